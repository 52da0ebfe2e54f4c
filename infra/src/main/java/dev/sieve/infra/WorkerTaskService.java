package dev.sieve.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.IgnoreMode;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverMode;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.NetworkMode;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The worker's task and its ECS service: one GPU per task, JSON logs to its own log group, time to drain
 * on SIGTERM, deploy bounds that fit one task per single-GPU instance, and the task role's grant to set
 * its own scale-in protection (busy tasks are not killed by a scale-in).
 */
final class WorkerTaskService extends Concern {

    /** ECS on EC2 caps a container's stop timeout at 120 seconds. */
    static final int MAX_STOP_TIMEOUT_SECONDS = 120;
    /** Memory the worker container reserves on its instance. */
    static final int MEMORY_RESERVATION_MIB = 12_288;
    /**
     * Deploy health bounds for one task per single-GPU instance. A maximum above 100 % needs a spare
     * instance per task (none at {@code maxWorkers}); a minimum above 0 % with a maximum of 100 % deadlocks
     * a one-task service (ECS rounds the minimum up to one task). Workers drain on SIGTERM and their
     * messages are leased, so stopping before starting loses nothing.
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
     */
    static final int MIN_HEALTHY_PERCENT = 0;

    static final int MAX_HEALTHY_PERCENT = 100;
    /** The AWS SDK's region variable: containers cannot reach IMDS (hop limit 1) to discover the region. */
    static final String AWS_REGION = "AWS_REGION";

    /**
     * DynamoDB actions of the worker's result sink (AwsResultSink): GetItem, UpdateItem and
     * TransactWriteItems of Puts and an Update (authorized as PutItem and UpdateItem); the response
     * cache's BatchGetItem and PutItem (DynamoDbResponseCache, CACHE# items; not BatchWriteItem, which
     * would also allow deletes).
     */
    static final List<String> TABLE_ACTIONS =
            List.of("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");

    /** Settings of the task and service. */
    record Props(
            Cluster cluster,
            AsgCapacityProvider capacityProvider,
            WorkerImageSource image,
            int drainGraceSeconds,
            boolean bundlePublished,
            RetentionDays logRetention) {
        Props {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(capacityProvider, "capacityProvider");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(logRetention, "logRetention");
        }
    }

    private final LogGroup logGroup;
    private final Ec2TaskDefinition taskDefinition;
    private final ContainerDefinition container;
    private final Ec2Service service;

    WorkerTaskService(Construct scope, String id, Props props) {
        super(scope, id);
        logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        taskDefinition = Ec2TaskDefinition.Builder.create(this, "TaskDefinition")
                // the family CDK derives from the path, without this concern: a new family is a new task definition
                .family(LogicalIds.uniqueName(getNode().getScope(), "TaskDefinition"))
                .networkMode(NetworkMode.BRIDGE)
                .build();
        container = taskDefinition.addContainer("Worker", containerOptions(props));
        container.addEnvironment(AWS_REGION, Stack.of(this).getRegion());
        grantTaskProtection(props.cluster(), taskDefinition.getTaskRole());
        acknowledgeFindings();

        service = Ec2Service.Builder.create(this, "Service")
                .cluster(props.cluster())
                .taskDefinition(taskDefinition)
                // No DesiredCount once a bundle is published: CloudFormation re-applies it on every update,
                // which would reset what auto scaling chose. Before that, 0, or the create would start a
                // task that finds no bundle, and the circuit breaker would roll the first deploy back.
                .desiredCount(props.bundlePublished() ? null : 0)
                .minHealthyPercent(MIN_HEALTHY_PERCENT)
                .maxHealthyPercent(MAX_HEALTHY_PERCENT)
                .circuitBreaker(
                        DeploymentCircuitBreaker.builder().rollback(true).build())
                .capacityProviderStrategies(List.of(CapacityProviderStrategy.builder()
                        .capacityProvider(props.capacityProvider().getCapacityProviderName())
                        .weight(1)
                        .build()))
                .enableEcsManagedTags(true)
                .build();
        // Known creation race: the capacity provider must be associated with the cluster before the service
        // names it. The association is a child of the cluster that CDK adds at synthesis, so the service
        // depends on the cluster's whole subtree.
        service.getNode().addDependency(props.cluster());
    }

    private ContainerDefinitionOptions containerOptions(Props props) {
        return ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromAsset(
                        props.image().directory().toString(),
                        AssetImageProps.builder()
                                .file(props.image().dockerfile())
                                .exclude(props.image().excludes())
                                .ignoreMode(IgnoreMode.DOCKER)
                                .platform(Platform.LINUX_AMD64)
                                .build()))
                .essential(true)
                .gpuCount(1)
                .memoryReservationMiB(MEMORY_RESERVATION_MIB)
                .stopTimeout(Duration.seconds(Math.min(MAX_STOP_TIMEOUT_SECONDS, props.drainGraceSeconds() + 10)))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                        .logGroup(logGroup)
                        .streamPrefix("worker")
                        .mode(AwsLogDriverMode.NON_BLOCKING)
                        .build()))
                .build();
    }

    /**
     * The worker sets scale-in protection through the ECS agent's task-protection endpoint, which calls
     * ECS with the task role: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html
     */
    private static void grantTaskProtection(Cluster cluster, IRole taskRole) {
        taskRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("ecs:GetTaskProtection", "ecs:UpdateTaskProtection"))
                .resources(List.of(GpuWorkerService.clusterArn(cluster, "task")))
                .build());
        Acknowledgments.clusterScopedGrant(
                taskRole, cluster, "task", "ecs:GetTaskProtection and ecs:UpdateTaskProtection (its own protection)");
    }

    private void acknowledgeFindings() {
        Validations.of(taskDefinition)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-ECS2",
                        "The environment holds resource names, queue URLs and tuning numbers (the names of"
                                + " EnvironmentVariables), never secrets; secrets would come from Secrets Manager."));
        Acknowledgments.acknowledge(
                taskDefinition.obtainExecutionRole(),
                "AwsSolutions-IAM5[Resource::*]",
                "ecr:GetAuthorizationToken (added by the CDK for the image asset) supports only Resource '*';"
                        + " image pulls themselves are scoped to the asset repository.");
    }

    LogGroup logGroup() {
        return logGroup;
    }

    Ec2TaskDefinition taskDefinition() {
        return taskDefinition;
    }

    ContainerDefinition container() {
        return container;
    }

    Ec2Service service() {
        return service;
    }
}
