package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.TableSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class SieveStorageTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    @Test
    void buckets_always_areEncryptedAndBlockAllPublicAccess() {
        Map<String, Map<String, Object>> buckets = properties(TEMPLATE, "AWS::S3::Bucket");
        assertThat(buckets).hasSize(2);
        buckets.forEach((id, props) -> {
            assertThat(props.get("BucketEncryption")).as(id).isNotNull();
            assertThat(map(props.get("PublicAccessBlockConfiguration")))
                    .as(id)
                    .containsEntry("BlockPublicAcls", true)
                    .containsEntry("BlockPublicPolicy", true)
                    .containsEntry("IgnorePublicAcls", true)
                    .containsEntry("RestrictPublicBuckets", true);
        });
    }

    @Test
    void buckets_always_denyRequestsWithoutTls() {
        Set<String> tlsOnly = new HashSet<>();
        properties(TEMPLATE, "AWS::S3::BucketPolicy").forEach((id, props) -> {
            boolean denies = list(map(props.get("PolicyDocument")).get("Statement")).stream()
                    .map(Templates::map)
                    .anyMatch(s -> "Deny".equals(s.get("Effect"))
                            && String.valueOf(s.get("Condition")).contains("aws:SecureTransport=false"));
            if (denies) {
                tlsOnly.add(Templates.referencedId(props.get("Bucket")));
            }
        });
        assertThat(tlsOnly)
                .containsExactlyInAnyOrderElementsOf(
                        properties(TEMPLATE, "AWS::S3::Bucket").keySet());
    }

    @Test
    void dataBucket_transientPrefixes_expireAndIncompleteUploadsAreAborted() {
        String dataBucket = dataBucketId();
        List<Object> rules =
                list(map(properties(TEMPLATE, "AWS::S3::Bucket").get(dataBucket).get("LifecycleConfiguration"))
                        .get("Rules"));
        Set<String> expiring = new HashSet<>();
        boolean abortsAll = false;
        for (Object rule : rules) {
            Map<String, Object> r = map(rule);
            if (r.containsKey("ExpirationInDays") && r.get("Prefix") instanceof String prefix) {
                expiring.add(prefix);
            }
            if (!r.containsKey("Prefix") && r.containsKey("AbortIncompleteMultipartUpload")) {
                abortsAll = true;
            }
        }
        assertThat(expiring)
                .containsExactlyInAnyOrder(
                        BucketLayout.UPLOADS, BucketLayout.JOBS_PARTS, BucketLayout.PAYLOADS, BucketLayout.RESULTS);
        assertThat(abortsAll).isTrue();
        assertThat(properties(TEMPLATE, "AWS::S3::Bucket").get(dataBucket)).containsKey("LoggingConfiguration");
    }

    /**
     * A queue message can point at an offloaded text under {@code payloads/} (and a job's chunk at its part
     * files under {@code jobs/parts/}, an async request at its upload) for as long as SQS keeps the message:
     * an object that expires first turns a message that waited into one that fails for want of its body, and
     * so into a dead letter. Every transient prefix outlives the longest retention of a work queue.
     */
    @Test
    void transientPrefixes_outliveTheQueueMessagesThatReferToThem() {
        int longestRetention = properties(TEMPLATE, "AWS::SQS::Queue").values().stream()
                .filter(q -> q.containsKey("RedrivePolicy"))
                .mapToInt(q -> (Integer) q.get("MessageRetentionPeriod"))
                .max()
                .orElseThrow();
        Map<String, Integer> days = new java.util.TreeMap<>();
        for (Object rule : list(
                map(properties(TEMPLATE, "AWS::S3::Bucket").get(dataBucketId()).get("LifecycleConfiguration"))
                        .get("Rules"))) {
            Map<String, Object> r = map(rule);
            if (r.get("Prefix") instanceof String prefix && r.get("ExpirationInDays") instanceof Integer d) {
                days.put(prefix, d);
            }
        }
        for (String prefix : List.of(BucketLayout.PAYLOADS, BucketLayout.JOBS_PARTS, BucketLayout.UPLOADS)) {
            assertThat(days.get(prefix) * 86_400L).as(prefix).isGreaterThanOrEqualTo(longestRetention);
        }
    }

    /** The stack deploys the expiry the cost model prices ({@code transient_object_days} defaults to it). */
    @Test
    void transientPrefixes_expireAfterTheSharedDefault() {
        Map<String, Integer> days = new java.util.TreeMap<>();
        for (Object rule : list(
                map(properties(TEMPLATE, "AWS::S3::Bucket").get(dataBucketId()).get("LifecycleConfiguration"))
                        .get("Rules"))) {
            Map<String, Object> r = map(rule);
            if (r.get("Prefix") instanceof String prefix && r.get("ExpirationInDays") instanceof Integer d) {
                days.put(prefix, d);
            }
        }
        for (String prefix : List.of(BucketLayout.PAYLOADS, BucketLayout.JOBS_PARTS, BucketLayout.UPLOADS)) {
            assertThat(days.get(prefix))
                    .as(prefix)
                    .isEqualTo(dev.sieve.shared.config.ResourceDefaults.TRANSIENT_OBJECT_DAYS);
        }
    }

    @Test
    void bucketLayout_everyPrefix_eitherExpiresOrIsDeliberatelyKept() {
        Set<String> prefixes = new HashSet<>();
        for (java.lang.reflect.Field field : BucketLayout.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    prefixes.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        // a new prefix in BucketLayout fails here until SieveStorage says whether it expires
        Set<String> classified = new HashSet<>(SieveStorage.PER_REQUEST_PREFIXES);
        classified.addAll(SieveStorage.KEPT_PREFIXES);
        assertThat(classified).containsExactlyInAnyOrderElementsOf(prefixes);
        assertThat(SieveStorage.PER_REQUEST_PREFIXES).doesNotContainAnyElementsOf(SieveStorage.KEPT_PREFIXES);
    }

    @Test
    void gateResults_expireWithTheTablesResultsTtl() {
        Map<String, Object> rule = list(map(properties(SynthesizedSieve.DEFAULT.template(), "AWS::S3::Bucket")
                                .get(dataBucketId())
                                .get("LifecycleConfiguration"))
                        .get("Rules"))
                .stream()
                .map(Templates::map)
                .filter(r -> BucketLayout.RESULTS.equals(r.get("Prefix")))
                .findFirst()
                .orElseThrow();
        assertThat(rule)
                .containsEntry(
                        "ExpirationInDays", SynthesizedSieve.DEFAULT.props().resultsTtlDays());
    }

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html
    // (only empty buckets can be deleted)
    @Test
    void retainDataFalse_emptiesBothBucketsSoTheStackCanBeDeleted() {
        SynthesizedSieve.Result disposable = SynthesizedSieve.synthesize(Map.of("retainData", "false"));
        assertThat(disposable.validationReport().get("pluginReports"))
                .as(disposable.validationReport().toPrettyString())
                .isEmpty();
        Map<String, Map<String, Object>> buckets = properties(disposable.template(), "AWS::S3::Bucket");
        Set<String> emptied = new HashSet<>();
        properties(disposable.template(), "Custom::S3AutoDeleteObjects")
                .values()
                .forEach(p -> emptied.add(Templates.referencedId(p.get("BucketName"))));
        assertThat(emptied).containsExactlyInAnyOrderElementsOf(buckets.keySet());
        TEMPLATE.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
    }

    /**
     * S3 answers 403 instead of 404 for an absent key unless the caller has s3:ListBucket on the bucket,
     * and a grant conditioned on s3:prefix does not count for GetObject/HeadObject. The gate (results of
     * pending requests), the batch handler (expert part files of chunks that escalated nothing) and the
     * worker all read keys that may not exist.
     * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Permissions)
     */
    @Test
    void rolesThatReadPossiblyAbsentKeys_haveUnconditionedListBucket_soAbsentKeysAnswer404() {
        Set<String> unconditioned = new HashSet<>();
        for (Map.Entry<String, Map<String, Object>> policy :
                properties(TEMPLATE, "AWS::IAM::Policy").entrySet()) {
            for (Object statement :
                    list(map(policy.getValue().get("PolicyDocument")).get("Statement"))) {
                Map<String, Object> st = map(statement);
                Object action = st.get("Action");
                boolean lists = action instanceof List<?> actions
                        ? actions.contains("s3:ListBucket")
                        : "s3:ListBucket".equals(action);
                if (!lists) {
                    continue;
                }
                assertThat(st).as("s3:ListBucket in %s", policy.getKey()).doesNotContainKey("Condition");
                for (Object role : list(policy.getValue().get("Roles"))) {
                    unconditioned.add(Templates.referencedId(role));
                }
            }
        }
        SieveStack stack = SynthesizedSieve.DEFAULT.stack();
        assertThat(unconditioned)
                .contains(
                        SynthesizedSieve.logicalId(stack.gate().gateFunction().getRole()),
                        SynthesizedSieve.logicalId(stack.gate().batchFunction().getRole()));
        assertThat(unconditioned.size())
                .as("gate, batch handler and worker task roles")
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void dataBucket_manifestsUnderJobsIn_invokeTheBatchHandler() {
        String batchFunction = SynthesizedSieve.logicalId(
                SynthesizedSieve.DEFAULT.stack().gate().batchFunction());
        TEMPLATE.hasResourceProperties(
                "Custom::S3BucketNotifications",
                Match.objectLike(Map.of(
                        "NotificationConfiguration",
                        Map.of(
                                "LambdaFunctionConfigurations",
                                Match.arrayWith(List.of(Map.of(
                                        "Events",
                                        List.of("s3:ObjectCreated:*"),
                                        "Filter",
                                        Map.of(
                                                "Key",
                                                Map.of(
                                                        "FilterRules",
                                                        List.of(
                                                                Map.of(
                                                                        "Name",
                                                                        "prefix",
                                                                        "Value",
                                                                        BucketLayout.JOBS_IN)))),
                                        "LambdaFunctionArn",
                                        Map.of("Fn::GetAtt", List.of(batchFunction, "Arn")))))))));
    }

    @Test
    void table_isOnDemandWithPointInTimeRecoveryAndTtl() {
        TEMPLATE.resourceCountIs("AWS::DynamoDB::Table", 1);
        TEMPLATE.hasResourceProperties(
                "AWS::DynamoDB::Table",
                Map.of(
                        "BillingMode",
                        "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification",
                        Map.of("PointInTimeRecoveryEnabled", true),
                        "TimeToLiveSpecification",
                        Map.of("AttributeName", TableSchema.TTL, "Enabled", true),
                        "SSESpecification",
                        Match.objectLike(Map.of("SSEEnabled", true)),
                        "KeySchema",
                        List.of(
                                Map.of("AttributeName", TableSchema.PK, "KeyType", "HASH"),
                                Map.of("AttributeName", TableSchema.SK, "KeyType", "RANGE")),
                        "AttributeDefinitions",
                        List.of(
                                Map.of("AttributeName", TableSchema.PK, "AttributeType", "S"),
                                Map.of("AttributeName", TableSchema.SK, "AttributeType", "S"),
                                Map.of("AttributeName", TableSchema.UNFINISHED, "AttributeType", "S"),
                                Map.of("AttributeName", TableSchema.CREATED_AT, "AttributeType", "N")),
                        "DeletionProtectionEnabled",
                        true));
    }

    @Test
    void table_hasTheSparseIndexOfUnfinishedRows_keysOnly_asLocalModeCreatesIt() {
        TEMPLATE.hasResourceProperties(
                "AWS::DynamoDB::Table",
                Map.of(
                        "GlobalSecondaryIndexes",
                        List.of(Map.of(
                                "IndexName",
                                TableSchema.UNFINISHED_INDEX,
                                "KeySchema",
                                List.of(
                                        Map.of("AttributeName", TableSchema.UNFINISHED, "KeyType", "HASH"),
                                        Map.of("AttributeName", TableSchema.CREATED_AT, "KeyType", "RANGE")),
                                "Projection",
                                Map.of("ProjectionType", "KEYS_ONLY")))));
    }

    @Test
    void dataAndTable_byDefault_areRetainedWhenTheStackIsDeleted() {
        TEMPLATE.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
        assertThat(TEMPLATE.findResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain")))
                .hasSize(2);
    }

    private static String dataBucketId() {
        return properties(TEMPLATE, "AWS::S3::Bucket").entrySet().stream()
                .filter(e -> e.getValue().containsKey("NotificationConfiguration")
                        || e.getValue().containsKey("LoggingConfiguration"))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }
}
