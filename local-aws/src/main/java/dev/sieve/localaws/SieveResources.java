package dev.sieve.localaws;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.result.TableSchema;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Sieve's queues, table and bucket, created the way the production CDK stack configures them (the
 * numbers come from {@link ResourceDefaults}), under a name prefix so that tests sharing one
 * {@link LocalAws} do not see each other's data.
 *
 * <pre>
 * &lt;prefix&gt;-realtime, &lt;prefix&gt;-async, &lt;prefix&gt;-batch   SQS work queues, each redriving to &lt;name&gt;-dlq
 * &lt;prefix&gt;-table                                    DynamoDB, pk (S) + sk (S), on demand, TTL on ttl,
 *                                                     stream of new and old images (the events outbox)
 * &lt;prefix&gt;-bucket                                   S3
 * </pre>
 *
 * @param tableName DynamoDB table name
 * @param bucketName S3 bucket name
 * @param realtimeQueueUrl work queue URL for {@link Priority#REALTIME}
 * @param asyncQueueUrl work queue URL for {@link Priority#ASYNC}
 * @param batchQueueUrl work queue URL for {@link Priority#BATCH}
 * @param dlqUrls dead-letter queue URL of each priority's work queue
 */
public record SieveResources(
        String tableName,
        String bucketName,
        String realtimeQueueUrl,
        String asyncQueueUrl,
        String batchQueueUrl,
        Map<Priority, String> dlqUrls) {

    /** Lower-case letters, digits and hyphens; short enough for bucket (63) and queue (80) limits. */
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?");

    public SieveResources {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(bucketName, "bucketName");
        Objects.requireNonNull(realtimeQueueUrl, "realtimeQueueUrl");
        Objects.requireNonNull(asyncQueueUrl, "asyncQueueUrl");
        Objects.requireNonNull(batchQueueUrl, "batchQueueUrl");
        dlqUrls = Map.copyOf(new EnumMap<>(dlqUrls));
        for (Priority priority : Priority.values()) {
            if (!dlqUrls.containsKey(priority)) {
                throw new IllegalArgumentException("dlqUrls has no entry for " + priority);
            }
        }
    }

    /** Creates (or finds) every resource for {@code prefix} with short-lived clients of {@code aws}. */
    public static SieveResources create(LocalAws aws, String prefix) {
        try (SqsClient sqs = aws.sqsClient();
                DynamoDbClient dynamoDb = aws.dynamoDbClient();
                S3Client s3 = aws.s3Client()) {
            return create(sqs, dynamoDb, s3, prefix);
        }
    }

    /**
     * Creates every resource for {@code prefix}. Idempotent: resources that already exist with the
     * same settings are reused.
     *
     * @throws IllegalArgumentException if the prefix is not 1-40 lower-case letters, digits or hyphens
     */
    public static SieveResources create(SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, String prefix) {
        checkPrefix(prefix);
        Map<Priority, String> queueUrls = new EnumMap<>(Priority.class);
        Map<Priority, String> dlqUrls = new EnumMap<>(Priority.class);
        for (Priority priority : Priority.values()) {
            String dlqUrl = createQueue(sqs, dlqName(prefix, priority), dlqAttributes());
            String dlqArn = sqs.getQueueAttributes(
                            request -> request.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            dlqUrls.put(priority, dlqUrl);
            queueUrls.put(priority, createQueue(sqs, queueName(prefix, priority), workQueueAttributes(dlqArn)));
        }
        createTable(dynamoDb, tableName(prefix));
        createBucket(s3, bucketName(prefix));
        return new SieveResources(
                tableName(prefix),
                bucketName(prefix),
                queueUrls.get(Priority.REALTIME),
                queueUrls.get(Priority.ASYNC),
                queueUrls.get(Priority.BATCH),
                dlqUrls);
    }

    /**
     * A tenant's dedicated real-time lane: its own work queue and dead-letter queue, made like the shared
     * real-time queue.
     *
     * @param queueUrl the lane's work queue
     * @param dlqUrl its dead-letter queue
     */
    public record Lane(String queueUrl, String dlqUrl) {}

    /**
     * Creates (or finds) the lane of {@code tenant}: {@code <prefix>-lane-<tenant>} (a {@code .} in the name
     * becomes {@code _}; a name too long for SQS's 80 characters is cut and suffixed with its hash) and its
     * {@code -dlq}.
     */
    public static Lane createLane(SqsClient sqs, String prefix, String tenant) {
        checkPrefix(prefix);
        String name = laneQueueName(prefix, tenant);
        String dlqUrl = createQueue(sqs, name + ResourceDefaults.DLQ_SUFFIX, dlqAttributes());
        String dlqArn = sqs.getQueueAttributes(
                        request -> request.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        return new Lane(createQueue(sqs, name, workQueueAttributes(dlqArn)), dlqUrl);
    }

    static String laneQueueName(String prefix, String tenant) {
        String name = prefix + "-lane-" + tenant.replace('.', '_');
        int room = 80 - ResourceDefaults.DLQ_SUFFIX.length();
        if (name.length() <= room) {
            return name;
        }
        String hash = Integer.toHexString(tenant.hashCode() & 0x7fffffff);
        return name.substring(0, room - hash.length() - 1) + "-" + hash;
    }

    /** {@code base} plus 8 random hex digits: a fresh prefix per test. */
    public static String uniquePrefix(String base) {
        String prefix = base + "-" + UUID.randomUUID().toString().substring(0, 8);
        checkPrefix(prefix);
        return prefix;
    }

    public static String queueName(String prefix, Priority priority) {
        return prefix + "-" + ResourceDefaults.queueSuffix(priority);
    }

    public static String dlqName(String prefix, Priority priority) {
        return queueName(prefix, priority) + ResourceDefaults.DLQ_SUFFIX;
    }

    public static String tableName(String prefix) {
        return prefix + "-table";
    }

    public static String bucketName(String prefix) {
        return prefix + "-bucket";
    }

    /** The work queue URL of {@code priority}. */
    public String queueUrl(Priority priority) {
        return switch (priority) {
            case REALTIME -> realtimeQueueUrl;
            case ASYNC -> asyncQueueUrl;
            case BATCH -> batchQueueUrl;
        };
    }

    /** The dead-letter queue URL of {@code priority}'s work queue. */
    public String dlqUrl(Priority priority) {
        return dlqUrls.get(priority);
    }

    /**
     * The {@code SIEVE_*} resource variables the gate and worker configurations read (see {@link
     * EnvironmentVariables}). Combine with {@link LocalAws#environment()} for a complete environment.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvironmentVariables.TABLE_NAME, tableName);
        env.put(EnvironmentVariables.BUCKET_NAME, bucketName);
        env.put(EnvironmentVariables.REALTIME_QUEUE_URL, realtimeQueueUrl);
        env.put(EnvironmentVariables.ASYNC_QUEUE_URL, asyncQueueUrl);
        env.put(EnvironmentVariables.BATCH_QUEUE_URL, batchQueueUrl);
        return Map.copyOf(env);
    }

    static void checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("resource prefix '" + prefix
                    + "' is invalid; allowed: 1-40 lower-case letters, digits and hyphens,"
                    + " starting and ending with a letter or digit");
        }
    }

    static Map<QueueAttributeName, String> dlqAttributes() {
        return Map.of(
                QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                Integer.toString(ResourceDefaults.DLQ_MESSAGE_RETENTION_SECONDS));
    }

    static Map<QueueAttributeName, String> workQueueAttributes(String dlqArn) {
        return Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT,
                Integer.toString(ResourceDefaults.VISIBILITY_TIMEOUT_SECONDS),
                QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
                Integer.toString(ResourceDefaults.RECEIVE_WAIT_SECONDS),
                QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                Integer.toString(ResourceDefaults.MESSAGE_RETENTION_SECONDS),
                QueueAttributeName.REDRIVE_POLICY,
                redrivePolicy(dlqArn));
    }

    static String redrivePolicy(String dlqArn) {
        return "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + ResourceDefaults.MAX_RECEIVE_COUNT
                + "}";
    }

    private static String createQueue(SqsClient sqs, String name, Map<QueueAttributeName, String> attributes) {
        return sqs.createQueue(request -> request.queueName(name).attributes(attributes))
                .queueUrl();
    }

    private static void createTable(DynamoDbClient dynamoDb, String name) {
        try {
            dynamoDb.createTable(request -> request.tableName(name)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName(TableSchema.PK)
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName(TableSchema.SK)
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName(TableSchema.UNFINISHED)
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName(TableSchema.CREATED_AT)
                                    .attributeType(ScalarAttributeType.N)
                                    .build())
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                            .indexName(TableSchema.UNFINISHED_INDEX)
                            .keySchema(
                                    KeySchemaElement.builder()
                                            .attributeName(TableSchema.UNFINISHED)
                                            .keyType(KeyType.HASH)
                                            .build(),
                                    KeySchemaElement.builder()
                                            .attributeName(TableSchema.CREATED_AT)
                                            .keyType(KeyType.RANGE)
                                            .build())
                            .projection(Projection.builder()
                                    .projectionType(ProjectionType.KEYS_ONLY)
                                    .build())
                            .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName(TableSchema.PK)
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName(TableSchema.SK)
                                    .keyType(KeyType.RANGE)
                                    .build())
                    .billingMode(BillingMode.fromValue(ResourceDefaults.TABLE_BILLING_MODE))
                    // as the stack's table: the stream is the events outbox (local mode reads it too)
                    .streamSpecification(StreamSpecification.builder()
                            .streamEnabled(true)
                            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                            .build()));
        } catch (ResourceInUseException alreadyExists) {
            // idempotent: the table was created before
        }
        dynamoDb.waiter().waitUntilTableExists(request -> request.tableName(name));
        TimeToLiveStatus ttl = dynamoDb.describeTimeToLive(request -> request.tableName(name))
                .timeToLiveDescription()
                .timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            dynamoDb.updateTimeToLive(request -> request.tableName(name)
                    .timeToLiveSpecification(
                            spec -> spec.attributeName(TableSchema.TTL).enabled(true)));
        }
    }

    private static void createBucket(S3Client s3, String name) {
        try {
            s3.createBucket(request -> request.bucket(name));
        } catch (BucketAlreadyOwnedByYouException alreadyExists) {
            // idempotent: the bucket was created before
        }
    }
}
