package dev.sieve.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.AspectOptions;
import software.amazon.awscdk.AspectPriority;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The customer-managed KMS key for data at rest ({@code -c kmsKey=create|<key arn>}): the data bucket
 * (with an S3 Bucket Key, so S3 calls KMS per bucket and hour rather than per object), the table, every
 * queue and dead-letter queue and, for a key the stack creates, every log group the stack creates. Without
 * the option everything stays on AWS-managed keys (SSE-S3, SSE-SQS, DynamoDB's AWS-managed key) and nothing
 * here exists.
 *
 * <p>Roles get only the two key actions the services call on their behalf, on this key only:
 * {@value #DECRYPT} to read (S3 GetObject, SQS ReceiveMessage, every DynamoDB call: DynamoDB decrypts the
 * table key per caller) and {@value #GENERATE_DATA_KEY} to write (S3 PutObject, SQS SendMessage, which also
 * needs {@value #DECRYPT}). https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html
 */
public final class DataKey {

    /** Data at rest on AWS-managed keys: no key, no key grants. */
    public static final DataKey AWS_MANAGED = new DataKey(null);

    /** {@code -c kmsKey=create}: the stack creates the key (rotation on, kept with the data). */
    static final String CREATE = "create";

    static final String DECRYPT = "kms:Decrypt";
    static final String GENERATE_DATA_KEY = "kms:GenerateDataKey";

    private final IKey key;

    private DataKey(IKey key) {
        this.key = key;
    }

    /**
     * The key of {@code option}, made or imported as {@code id} in {@code scope}.
     *
     * @param option {@link #CREATE}, a key ARN, or null for AWS-managed keys
     * @param retain keep a created key when the stack is deleted (with the data it encrypts)
     */
    static DataKey of(Construct scope, String id, String option, boolean retain) {
        if (option == null) {
            return AWS_MANAGED;
        }
        if (CREATE.equals(option)) {
            Key created = Key.Builder.create(scope, id)
                    .description("Sieve: data at rest (bucket, table, queues, log groups)")
                    .enableKeyRotation(true)
                    .removalPolicy(retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                    .build();
            allowCloudWatchLogs(created);
            Aspects.of(Stack.of(scope))
                    .add(
                            new EncryptLogGroups(created),
                            AspectOptions.builder()
                                    .priority(AspectPriority.MUTATING)
                                    .build());
            return new DataKey(created);
        }
        return new DataKey(Key.fromKeyArn(scope, id, option));
    }

    /** The key, or null when data at rest uses AWS-managed keys. */
    IKey key() {
        return key;
    }

    /** {@value #DECRYPT}: reads of the bucket, the table or a queue. Nothing without a customer-managed key. */
    void grantDecrypt(IGrantable grantee) {
        grant(grantee, List.of(DECRYPT));
    }

    /** {@value #GENERATE_DATA_KEY}: S3 object writes. */
    void grantGenerateDataKey(IGrantable grantee) {
        grant(grantee, List.of(GENERATE_DATA_KEY));
    }

    /** Sending to an encrypted queue: SQS asks for both. */
    void grantQueueSend(IGrantable grantee) {
        grant(grantee, List.of(GENERATE_DATA_KEY, DECRYPT));
    }

    private void grant(IGrantable grantee, List<String> actions) {
        if (key == null) {
            return;
        }
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(actions)
                        .resources(List.of(key.getKeyArn()))
                        .build());
    }

    /**
     * CloudWatch Logs encrypts a log group with a key only when the key policy lets the regional logs
     * service use it for log groups of this account and region.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
     */
    private static void allowCloudWatchLogs(Key key) {
        Stack stack = Stack.of(key);
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchLogsOfThisStacksRegion")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("logs." + stack.getRegion() + ".amazonaws.com")))
                .actions(List.of(
                        "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"))
                .resources(List.of("*"))
                .conditions(Map.of(
                        "ArnLike",
                        Map.of(
                                "kms:EncryptionContext:aws:logs:arn",
                                "arn:" + stack.getPartition() + ":logs:" + stack.getRegion() + ":" + stack.getAccount()
                                        + ":log-group:*")))
                .build());
    }

    /**
     * Every log group of the stack (the functions', the API's access logs, the worker's) under the key:
     * one place rather than a key in the props of every construct that makes a log group. An imported key's
     * policy cannot be extended from here, so its log groups keep CloudWatch's own encryption.
     */
    private static final class EncryptLogGroups implements IAspect {
        private final Key key;

        EncryptLogGroups(Key key) {
            this.key = key;
        }

        @Override
        public void visit(IConstruct node) {
            if (node instanceof CfnLogGroup logGroup && logGroup.getKmsKeyId() == null) {
                logGroup.setKmsKeyId(key.getKeyArn());
            }
        }
    }
}
