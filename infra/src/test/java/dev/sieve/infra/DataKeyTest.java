package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** {@code -c kmsKey=create|<key arn>}: data at rest under a customer-managed key; AWS-managed keys by default. */
class DataKeyTest {
    private static final Template DEFAULT = SynthesizedSieve.DEFAULT.template();
    private static final Template CREATED = SynthesizedSieve.createdKey().template();
    private static final Template IMPORTED = SynthesizedSieve.importedKey().template();
    private static final String IMPORTED_ARN = SynthesizedSieve.IMPORTED_KEY_ARN;

    @Test
    void defaultDeployment_usesAwsManagedKeys_andCreatesNoDataKey() {
        assertThat(properties(DEFAULT, "AWS::KMS::Key")).hasSize(1); // the alarm topic's, as before
        assertThat(sseAlgorithm(dataBucket(DEFAULT))).isEqualTo("AES256");
        assertThat(map(table(DEFAULT).get("SSESpecification"))).doesNotContainKey("KMSMasterKeyId");
        properties(DEFAULT, "AWS::SQS::Queue")
                .forEach((id, q) -> assertThat(q).as(id).containsEntry("SqsManagedSseEnabled", true));
        properties(DEFAULT, "AWS::Logs::LogGroup")
                .forEach((id, g) -> assertThat(g).as(id).doesNotContainKey("KmsKeyId"));
    }

    @Test
    void createdKey_rotates_andStaysWithTheRetainedData() {
        Map<String, Object> key = CREATED.findResources("AWS::KMS::Key").values().stream()
                .map(Templates::map)
                .filter(k ->
                        map(k.get("Properties")).get("Description").toString().startsWith("Sieve: data"))
                .findFirst()
                .orElseThrow();
        assertThat(map(key.get("Properties"))).containsEntry("EnableKeyRotation", true);
        assertThat(key).containsEntry("DeletionPolicy", "Retain");
    }

    @Test
    void createdKey_encryptsBucketTableEveryQueueAndEveryLogGroup() {
        String key = createdKeyId();
        Map<String, Object> bucket = dataBucket(CREATED);
        assertThat(sseAlgorithm(bucket)).isEqualTo("aws:kms");
        assertThat(Templates.referencedId(rule(bucket).get("KMSMasterKeyID"))).isEqualTo(key);
        assertThat(map(list(map(bucket.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"))
                        .get(0)))
                .as("S3 Bucket Key: one KMS call per bucket and period, not per object")
                .containsEntry("BucketKeyEnabled", true);
        assertThat(Templates.referencedId(
                        map(table(CREATED).get("SSESpecification")).get("KMSMasterKeyId")))
                .isEqualTo(key);
        Map<String, Map<String, Object>> queues = properties(CREATED, "AWS::SQS::Queue");
        // 4 queues, 4 dead-letter queues, the S3-event DLQ, the events source's failure queue
        assertThat(queues).hasSize(10);
        queues.forEach((id, q) -> assertThat(Templates.referencedId(q.get("KmsMasterKeyId")))
                .as(id)
                .isEqualTo(key));
        Map<String, Map<String, Object>> logGroups = properties(CREATED, "AWS::Logs::LogGroup");
        assertThat(logGroups).hasSizeGreaterThanOrEqualTo(4);
        logGroups.forEach((id, g) ->
                assertThat(Templates.referencedId(g.get("KmsKeyId"))).as(id).isEqualTo(key));
    }

    @Test
    void createdKey_letsCloudWatchLogsUseItOnlyForThisAccountsLogGroups() {
        Map<String, Object> policy =
                map(properties(CREATED, "AWS::KMS::Key").get(createdKeyId()).get("KeyPolicy"));
        String logs = list(policy.get("Statement")).stream()
                .map(Templates::map)
                .filter(st -> "AllowCloudWatchLogsOfThisStacksRegion".equals(st.get("Sid")))
                .findFirst()
                .orElseThrow()
                .toString();
        assertThat(logs).contains("kms:EncryptionContext:aws:logs:arn", ":log-group:*", "AWS::AccountId");
    }

    @Test
    void importedKey_encryptsBucketTableAndQueues_byArn_andLeavesLogGroupsToCloudWatch() {
        assertThat(properties(IMPORTED, "AWS::KMS::Key")).hasSize(1);
        assertThat(rule(dataBucket(IMPORTED)).get("KMSMasterKeyID")).isEqualTo(IMPORTED_ARN);
        assertThat(map(table(IMPORTED).get("SSESpecification")).get("KMSMasterKeyId"))
                .isEqualTo(IMPORTED_ARN);
        properties(IMPORTED, "AWS::SQS::Queue")
                .forEach((id, q) -> assertThat(q.get("KmsMasterKeyId")).as(id).isEqualTo(IMPORTED_ARN));
        properties(IMPORTED, "AWS::Logs::LogGroup")
                .forEach((id, g) -> assertThat(g).as(id).doesNotContainKey("KmsKeyId"));
    }

    @Test
    void withAKey_cdkNagIsClean_withTheSameAcknowledgments() {
        for (SynthesizedSieve.Result result :
                java.util.List.of(SynthesizedSieve.createdKey(), SynthesizedSieve.importedKey())) {
            assertThat(result.validationReport().get("pluginReports"))
                    .as(result.validationReport().toPrettyString())
                    .isEmpty();
            assertThat(NagTest.acknowledgments(result.stack()))
                    .isEqualTo(NagTest.acknowledgments(SynthesizedSieve.DEFAULT.stack()));
        }
    }

    private static String createdKeyId() {
        return properties(CREATED, "AWS::KMS::Key").entrySet().stream()
                .filter(e -> e.getValue().get("Description").toString().startsWith("Sieve: data"))
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    private static Map<String, Object> dataBucket(Template template) {
        return properties(template, "AWS::S3::Bucket").entrySet().stream()
                .filter(e -> e.getKey().startsWith("StorageDataBucket"))
                .findFirst()
                .orElseThrow()
                .getValue();
    }

    private static Map<String, Object> rule(Map<String, Object> bucket) {
        return map(map(list(map(bucket.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"))
                        .get(0))
                .get("ServerSideEncryptionByDefault"));
    }

    private static String sseAlgorithm(Map<String, Object> bucket) {
        return (String) rule(bucket).get("SSEAlgorithm");
    }

    private static Map<String, Object> table(Template template) {
        return properties(template, "AWS::DynamoDB::Table").values().iterator().next();
    }
}
