package dev.sieve.infra;

import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.IConstruct;

/**
 * cdk-nag acknowledgments. Each carries the reason a reviewer reads; wildcard findings are acknowledged
 * one by one ({@code AwsSolutions-IAM5[Resource::...]}), never the whole rule, so a new wildcard shows
 * up as a new finding.
 */
final class Acknowledgments {
    private Acknowledgments() {}

    static Acknowledgment of(String ruleId, String reason) {
        return Acknowledgment.builder().id(ruleId).reason(reason).build();
    }

    static void acknowledge(IConstruct scope, String ruleId, String reason) {
        Validations.of(scope).acknowledge(of(ruleId, reason));
    }

    /**
     * Acknowledges the IAM5 finding of an object grant {@code <bucket arn>/<prefix>*} on the grantee's
     * principal (where the default policy lives).
     */
    static void objectPrefixGrant(IGrantable grantee, IBucket bucket, String prefix, String actions) {
        if (!(grantee.getGrantPrincipal() instanceof IConstruct principal)) {
            return;
        }
        Stack stack = Stack.of(bucket);
        Object logicalId =
                LogicalIds.allocate(stack, (CfnElement) bucket.getNode().getDefaultChild());
        acknowledge(
                principal,
                "AwsSolutions-IAM5[Resource::<" + logicalId + ".Arn>/" + prefix + "*]",
                "Object keys under " + prefix + " carry ids chosen at run time (request, job or bundle version,"
                        + " see BucketLayout), so the grant ends in a wildcard; it covers only this prefix and only "
                        + actions + ".");
    }

    /**
     * Acknowledges the IAM5 finding of a grant on {@code arn:...:ecs:...:<type>/<cluster>/*}: task and
     * container-instance ids are assigned by ECS at run time, so the grant can name only the cluster.
     */
    static void clusterScopedGrant(IConstruct principal, IConstruct cluster, String resourceType, String actions) {
        Stack stack = Stack.of(cluster);
        Object logicalId =
                LogicalIds.allocate(stack, (CfnElement) cluster.getNode().getDefaultChild());
        acknowledge(
                principal,
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:" + resourceType
                        + "/<" + logicalId + ">/*]",
                "ECS assigns " + resourceType + " ids at run time, so the grant names every " + resourceType
                        + " of this cluster and nothing else; it allows only " + actions + ".");
    }
}
