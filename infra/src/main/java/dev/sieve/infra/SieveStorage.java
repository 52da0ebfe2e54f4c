package dev.sieve.infra;

import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.TableSchema;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The data plane's storage: one S3 bucket (bundles, uploads, manifests, part files, outputs, large
 * queue payloads; layout in {@link BucketLayout}) with its access-log bucket, and one DynamoDB table
 * (requests, jobs, small results; key layout in {@link TableSchema}). Secure by default: encryption at
 * rest, TLS-only bucket policies, public access blocked, server access logs, point-in-time recovery,
 * on-demand billing and TTL; transient prefixes expire on their own.
 */
public final class SieveStorage extends Construct {

    /**
     * Prefixes of per-request data (one entry per {@link BucketLayout} prefix a request or job writes),
     * each expiring on its own. Everything else in the bucket is kept: bundles, the caller's manifests
     * under {@link BucketLayout#JOBS_IN} and the outputs written for them under {@link BucketLayout#JOBS_OUT}.
     */
    static final List<String> PER_REQUEST_PREFIXES =
            List.of(BucketLayout.UPLOADS, BucketLayout.JOBS_PARTS, BucketLayout.PAYLOADS, BucketLayout.RESULTS);
    /** Prefixes that hold what callers and operators put there; no lifecycle rule deletes them. */
    static final List<String> KEPT_PREFIXES =
            List.of(BucketLayout.BUNDLES, BucketLayout.JOBS_IN, BucketLayout.JOBS_OUT);

    /**
     * Settings of the storage; every field has a safe default.
     *
     * @param retainData keep the buckets and the table when the stack is deleted; when false, the stack's
     *     deletion also empties both buckets ({@code autoDeleteObjects}) so it can delete them
     * @param transientObjectDays days before uploads, part files and queue payloads expire (default {@link
     *     ResourceDefaults#TRANSIENT_OBJECT_DAYS}, which says why it is no shorter)
     * @param resultDays days before gate results under {@code results/} expire (the table's results TTL)
     * @param accessLogDays days before server access logs and flow logs expire
     * @param dataKey the key of the data bucket and the table ({@link DataKey#AWS_MANAGED} by default); the
     *     access-log bucket stays on SSE-S3, the only encryption S3 server access logging delivers to
     */
    public record Props(
            boolean retainData, int transientObjectDays, int resultDays, int accessLogDays, DataKey dataKey) {
        public Props {
            Objects.requireNonNull(dataKey, "dataKey");
        }

        public static Props defaults() {
            return new Props(true, ResourceDefaults.TRANSIENT_OBJECT_DAYS, 7, 90, DataKey.AWS_MANAGED);
        }

        public Props withRetainData(boolean retain) {
            return new Props(retain, transientObjectDays, resultDays, accessLogDays, dataKey);
        }

        public Props withResultDays(int days) {
            return new Props(retainData, transientObjectDays, days, accessLogDays, dataKey);
        }

        public Props withDataKey(DataKey key) {
            return new Props(retainData, transientObjectDays, resultDays, accessLogDays, key);
        }
    }

    private final Bucket bucket;
    private final Bucket accessLogBucket;
    private final Table table;
    private final DataKey dataKey;

    public SieveStorage(Construct scope, String id, Props props) {
        super(scope, id);
        Objects.requireNonNull(props, "props");
        dataKey = props.dataKey();
        RemovalPolicy removal = props.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

        accessLogBucket = Bucket.Builder.create(this, "AccessLogBucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(Duration.days(props.accessLogDays()))
                        .build()))
                .removalPolicy(removal)
                .autoDeleteObjects(!props.retainData())
                .build();
        Validations.of(accessLogBucket)
                .acknowledge(
                        Acknowledgments.of(
                                "AwsSolutions-S1",
                                "This bucket is the server-access-log destination of the data bucket; logging it"
                                        + " into itself would loop and logging it elsewhere adds a bucket that needs the same."));

        Duration transientAge = Duration.days(props.transientObjectDays());
        Bucket.Builder data = Bucket.Builder.create(this, "DataBucket");
        if (dataKey.key() == null) {
            data.encryption(BucketEncryption.S3_MANAGED);
        } else {
            data.encryption(BucketEncryption.KMS).encryptionKey(dataKey.key()).bucketKeyEnabled(true);
        }
        bucket = data.enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .versioned(false)
                .serverAccessLogsBucket(accessLogBucket)
                .serverAccessLogsPrefix("data-bucket/")
                .lifecycleRules(List.of(
                        LifecycleRule.builder()
                                .id("abort-incomplete-multipart-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                                .build(),
                        expire("expire-uploads", BucketLayout.UPLOADS, transientAge),
                        expire("expire-job-parts", BucketLayout.JOBS_PARTS, transientAge),
                        expire("expire-queue-payloads", BucketLayout.PAYLOADS, transientAge),
                        expire("expire-gate-results", BucketLayout.RESULTS, Duration.days(props.resultDays()))))
                .removalPolicy(removal)
                .autoDeleteObjects(!props.retainData())
                .build();

        Table.Builder tableBuilder = Table.Builder.create(this, "Table");
        if (dataKey.key() == null) {
            tableBuilder.encryption(TableEncryption.AWS_MANAGED);
        } else {
            tableBuilder.encryption(TableEncryption.CUSTOMER_MANAGED).encryptionKey(dataKey.key());
        }
        table = tableBuilder
                .partitionKey(Attribute.builder()
                        .name(TableSchema.PK)
                        .type(AttributeType.STRING)
                        .build())
                .sortKey(Attribute.builder()
                        .name(TableSchema.SK)
                        .type(AttributeType.STRING)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute(TableSchema.TTL)
                // The outbox (SieveEventsOutbox): a META row becoming final is the event; the old image tells
                // "became final" from "was final already".
                .stream(StreamViewType.NEW_AND_OLD_IMAGES)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(props.retainData())
                .removalPolicy(removal)
                .build();
        // Unfinished requests and jobs only (a sparse index: the attribute is removed at the final state),
        // so the reaper's deadline sweep queries what is unfinished instead of scanning every result row.
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(TableSchema.UNFINISHED_INDEX)
                .partitionKey(Attribute.builder()
                        .name(TableSchema.UNFINISHED)
                        .type(AttributeType.STRING)
                        .build())
                .sortKey(Attribute.builder()
                        .name(TableSchema.CREATED_AT)
                        .type(AttributeType.NUMBER)
                        .build())
                .projectionType(ProjectionType.KEYS_ONLY)
                .build());
    }

    private static LifecycleRule expire(String id, String prefix, Duration age) {
        return LifecycleRule.builder()
                .id(id)
                .prefix(prefix)
                .expiration(age)
                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                .build();
    }

    public Bucket bucket() {
        return bucket;
    }

    public Bucket accessLogBucket() {
        return accessLogBucket;
    }

    public Table table() {
        return table;
    }

    /** {@code s3://<bucket>/bundles/<version>/}: where the gate and the worker load the model from. */
    public String bundleUri(String bundleVersion) {
        return "s3://" + bucket.getBucketName() + "/" + BucketLayout.BUNDLES + bundleVersion + "/";
    }

    /** Read the object keys under the given prefixes (each ends with '/'); with a key, kms:Decrypt. */
    public void grantReadPrefixes(IGrantable grantee, List<String> prefixes) {
        grantObjects(grantee, prefixes, List.of("s3:GetObject"));
    }

    /**
     * Write (and read) the object keys under the given prefixes. No {@code s3:AbortMultipartUpload}: nothing
     * in Sieve uploads in parts (a presigned PUT is one request), and abandoned parts expire by lifecycle rule.
     */
    public void grantReadWritePrefixes(IGrantable grantee, List<String> prefixes) {
        grantObjects(grantee, prefixes, List.of("s3:GetObject", "s3:PutObject"));
    }

    /** Write, without reading, the object keys under the given prefixes; with a key, kms:GenerateDataKey. */
    public void grantWritePrefixes(IGrantable grantee, List<String> prefixes) {
        grantObjects(grantee, prefixes, List.of("s3:PutObject"));
    }

    private void grantObjects(IGrantable grantee, List<String> prefixes, List<String> actions) {
        prefixes.forEach(p -> Acknowledgments.objectPrefixGrant(grantee, bucket, p, String.join(" and ", actions)));
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(actions)
                        .resources(objectArns(prefixes))
                        .build());
        if (actions.contains("s3:GetObject")) {
            dataKey.grantDecrypt(grantee);
        }
        if (actions.contains("s3:PutObject")) {
            dataKey.grantGenerateDataKey(grantee);
        }
    }

    /**
     * The given item-level actions on the table (and its indexes): only what the grantee's code calls, never
     * CDK's {@code grantReadWriteData} (which adds DeleteItem, Scan, BatchWriteItem and more); of a
     * customer-managed key only {@code kms:Decrypt}, which DynamoDB needs for reads and writes alike (it
     * decrypts the table key per caller; items are encrypted with that table key, not with new data keys).
     */
    public void grantTableItems(IGrantable grantee, List<String> actions) {
        // On the table's ARN alone: CDK's Table.grant adds <table>/index/* for every grantee once the table
        // has an index, and only the reaper queries one (grantUnfinishedIndexQuery).
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(actions)
                        .resources(List.of(table.getTableArn()))
                        .build());
        dataKey.grantDecrypt(grantee);
    }

    /** What a reader of the table's stream calls (Lambda's event source, on the function's role). */
    static final List<String> STREAM_READ_ACTIONS = List.of(
            "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams");

    /**
     * Reading the table's stream ({@link #STREAM_READ_ACTIONS}) on the stream's ARN alone, and {@code
     * kms:Decrypt} of a customer-managed key (stream records are encrypted as the table is). Not CDK's {@code
     * grantStreamRead}, which adds {@code dynamodb:ListStreams} on {@code *}.
     */
    public void grantStreamRead(IGrantable grantee) {
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(STREAM_READ_ACTIONS)
                        .resources(List.of(table.getTableStreamArn()))
                        .build());
        dataKey.grantDecrypt(grantee);
    }

    /** {@code dynamodb:Query} on the sparse index of unfinished requests and jobs (the reaper's sweep). */
    public void grantUnfinishedIndexQuery(IGrantable grantee) {
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(List.of("dynamodb:Query"))
                        .resources(List.of(table.getTableArn() + "/index/" + TableSchema.UNFINISHED_INDEX))
                        .build());
    }

    /**
     * {@code s3:ListBucket} on the bucket, without an {@code s3:prefix} condition. Besides listing, this is
     * what makes S3 answer 404 rather than 403 for a key that does not exist: GetObject and HeadObject
     * carry no {@code s3:prefix} in their request context, so a prefix-conditioned grant does not count,
     * and the code (assembly looking for an expert part file, results of a pending request) expects 404.
     * See https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html ("Permissions").
     */
    public void grantListBucket(IGrantable grantee) {
        grantee.getGrantPrincipal()
                .addToPrincipalPolicy(PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(List.of("s3:ListBucket"))
                        .resources(List.of(bucket.getBucketArn()))
                        .build());
    }

    private List<String> objectArns(List<String> prefixes) {
        return prefixes.stream()
                .map(bucket::arnForObjects)
                .map(arn -> arn + "*")
                .toList();
    }
}
