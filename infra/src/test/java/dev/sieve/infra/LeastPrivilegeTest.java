package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.result.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.IRole;

/**
 * Every role's exact actions per resource, as synthesized (issue 14: least privilege proven). A new action
 * or resource fails here and must be added deliberately, with the code that calls it. Resources are
 * written with logical ids ({@code Bucket.Arn/bundles/*}); {@code ${...}} are pseudo parameters.
 */
class LeastPrivilegeTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();
    private static final SieveStack STACK = SynthesizedSieve.DEFAULT.stack();

    private static final String BUCKET = "StorageDataBucketB1B922FA.Arn";
    private static final String TABLE = "StorageTableB43FDCE7.Arn";
    private static final Set<String> SEND = Set.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage");
    private static final Set<String> LOGS = Set.of("logs:CreateLogStream", "logs:PutLogEvents");
    private static final Set<String> GATE_TABLE =
            Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem");
    private static final Set<String> READ = Set.of("s3:GetObject");
    private static final Set<String> READ_WRITE = Set.of("s3:GetObject", "s3:PutObject");
    private static final Set<String> WRITE = Set.of("s3:PutObject");

    @Test
    void gateFunctionRole_hasExactlyTheActionsTheHttpHandlerCalls() {
        assertThat(actionsByResource(STACK.gate().gateFunction().getRole()))
                .isEqualTo(sorted(Map.ofEntries(
                        Map.entry(BUCKET, Set.of("s3:ListBucket")),
                        Map.entry(BUCKET + "/bundles/*", READ),
                        Map.entry(BUCKET + "/jobs/in/*", READ),
                        // signs presigned PUTs and offloads large texts: never reads them
                        Map.entry(BUCKET + "/uploads/*", WRITE),
                        Map.entry(BUCKET + "/payloads/*", WRITE),
                        Map.entry(BUCKET + "/results/*", READ_WRITE),
                        Map.entry(TABLE, GATE_TABLE),
                        Map.entry("QueuesRealtimeQueue658342ED.Arn", SEND),
                        Map.entry("QueuesAsyncQueue4606A44E.Arn", SEND),
                        Map.entry("QueuesBatchQueueE9B2236A.Arn", SEND),
                        Map.entry("QueuesJobsQueueED92C26D.Arn", SEND),
                        Map.entry("GateGateFunctionLogsFF365974.Arn", LOGS))));
    }

    @Test
    void batchJobFunctionRole_hasExactlyTheActionsTheBatchHandlerCalls() {
        assertThat(actionsByResource(STACK.gate().batchFunction().getRole()))
                .isEqualTo(sorted(Map.ofEntries(
                        Map.entry(BUCKET, Set.of("s3:ListBucket")),
                        Map.entry(BUCKET + "/bundles/*", READ),
                        Map.entry(BUCKET + "/jobs/in/*", READ),
                        Map.entry(BUCKET + "/uploads/*", READ),
                        Map.entry(BUCKET + "/jobs/parts/*", READ_WRITE),
                        // writes outputs, offloaded texts and an upload's gate results: never reads them
                        Map.entry(BUCKET + "/jobs/out/*", WRITE),
                        Map.entry(BUCKET + "/payloads/*", WRITE),
                        Map.entry(BUCKET + "/results/*", WRITE),
                        Map.entry(TABLE, GATE_TABLE),
                        Map.entry("QueuesRealtimeQueue658342ED.Arn", SEND),
                        Map.entry("QueuesAsyncQueue4606A44E.Arn", SEND),
                        Map.entry("QueuesBatchQueueE9B2236A.Arn", SEND),
                        // sends and consumes (the event source) the jobs queue's tasks
                        Map.entry(
                                "QueuesJobsQueueED92C26D.Arn",
                                Set.of(
                                        "sqs:ChangeMessageVisibility",
                                        "sqs:DeleteMessage",
                                        "sqs:GetQueueAttributes",
                                        "sqs:GetQueueUrl",
                                        "sqs:ReceiveMessage",
                                        "sqs:SendMessage")),
                        // failed S3-event invocations go to its dead-letter queue
                        Map.entry("GateBatchEventDeadLetterQueue8B54C7C6.Arn", SEND),
                        Map.entry("GateBatchJobFunctionLogs374CC235.Arn", LOGS))));
    }

    @Test
    void reaperRole_hasExactlyTheActionsTheReaperCalls_onTheDeadLetterQueuesAndTheTableOnly() {
        Set<String> drain = Set.of("sqs:DeleteMessage", "sqs:ReceiveMessage");
        assertThat(actionsByResource(STACK.gate().reaperFunction().getRole()))
                .isEqualTo(sorted(Map.ofEntries(
                        // RequestStore.fail / JobStore.fail, JobStore.job
                        Map.entry(TABLE, Set.of("dynamodb:GetItem", "dynamodb:UpdateItem")),
                        // UnfinishedIndex (the deadline sweep): the sparse index alone
                        Map.entry(TABLE + "/index/" + TableSchema.UNFINISHED_INDEX, Set.of("dynamodb:Query")),
                        // receives (its own visibility timeout) and deletes dead messages; never sends
                        Map.entry("QueuesRealtimeDeadLetterQueue115AA848.Arn", drain),
                        Map.entry("QueuesAsyncDeadLetterQueueE65EC885.Arn", drain),
                        Map.entry("QueuesBatchDeadLetterQueue5881EC87.Arn", drain),
                        Map.entry("QueuesJobsDeadLetterQueueA14FB59A.Arn", drain),
                        Map.entry("GateReaperFunctionLogs5892A5E7.Arn", LOGS))));
    }

    @Test
    void eventsRole_readsTheTablesStreamOnly_andPutsEventsOnTheSieveBusOnly() {
        assertThat(actionsByResource(STACK.events().function().getRole()))
                .isEqualTo(sorted(Map.ofEntries(
                        // Lambda's event source reads the stream as the function's role; no table item access
                        Map.entry(
                                "StorageTableB43FDCE7.StreamArn",
                                Set.of(
                                        "dynamodb:DescribeStream",
                                        "dynamodb:GetRecords",
                                        "dynamodb:GetShardIterator",
                                        "dynamodb:ListStreams")),
                        // EventBridgePublisher: PutEvents on the stack's bus, not the default bus
                        Map.entry("EventBus7B8748AA.Arn", Set.of("events:PutEvents")),
                        // the event source's on-failure destination
                        Map.entry("EventsFailureQueue5FA4F33A.Arn", SEND),
                        Map.entry("EventsFunctionLogsCE0815EC.Arn", LOGS))));
    }

    @Test
    void workerTaskRole_readsButCannotWritePayloads_andWritesOnlyPartFiles() {
        Set<String> consume = Set.of(
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage");
        assertThat(actionsByResource(STACK.worker().taskDefinition().getTaskRole()))
                .isEqualTo(sorted(Map.ofEntries(
                        Map.entry(BUCKET, Set.of("s3:ListBucket")),
                        Map.entry(BUCKET + "/bundles/*", READ),
                        Map.entry(BUCKET + "/payloads/*", READ),
                        Map.entry(BUCKET + "/jobs/parts/*", WRITE),
                        Map.entry(
                                TABLE,
                                Set.of(
                                        "dynamodb:BatchGetItem",
                                        "dynamodb:GetItem",
                                        "dynamodb:PutItem",
                                        "dynamodb:UpdateItem")),
                        Map.entry("QueuesRealtimeQueue658342ED.Arn", consume),
                        Map.entry("QueuesAsyncQueue4606A44E.Arn", consume),
                        Map.entry("QueuesBatchQueueE9B2236A.Arn", consume),
                        // ASSEMBLE tasks when it completes a job's last chunk
                        Map.entry("QueuesJobsQueueED92C26D.Arn", SEND),
                        Map.entry(
                                "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/WorkerCluster89E4DD17/*",
                                Set.of("ecs:GetTaskProtection", "ecs:UpdateTaskProtection")))));
    }

    @Test
    void workerInstanceAndExecutionRoles_haveTheEcsAgentsActions_andNoData() {
        Map<String, Set<String>> instance = actionsByResource(STACK.worker().instanceRole());
        assertThat(instance.keySet().toString()).doesNotContain("StorageDataBucket", "StorageTable", "Queues");
        assertThat(instance)
                .containsEntry(
                        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:container-instance/WorkerCluster89E4DD17/*",
                        Set.of("ecs:UpdateContainerInstancesState"));
        Map<String, Set<String>> execution =
                actionsByResource(STACK.worker().taskDefinition().obtainExecutionRole());
        assertThat(execution.keySet().toString()).doesNotContain("StorageDataBucket", "StorageTable", "Queues");
        assertThat(execution.values().stream().flatMap(Set::stream))
                .allMatch(a -> a.startsWith("ecr:") || a.startsWith("logs:"), "ECR pulls and log writes only");
    }

    @Test
    void noRole_mayDeleteOrBatchWriteOrScan() {
        String policies = properties(TEMPLATE, "AWS::IAM::Policy").values().toString();
        // Not even the reaper scans: its sweep queries the sparse index of unfinished rows.
        assertThat(policies)
                .doesNotContain(
                        "dynamodb:Scan",
                        "dynamodb:DeleteItem",
                        "dynamodb:BatchWriteItem",
                        "dynamodb:*",
                        "s3:DeleteObject",
                        "s3:AbortMultipartUpload",
                        "s3:*");
    }

    @Test
    void defaultDeployment_grantsNoKmsActionToAnyRole() {
        assertThat(properties(TEMPLATE, "AWS::IAM::Policy").values().toString()).doesNotContain("kms:");
    }

    @Test
    void dataRoles_withACreatedKey_getExactlyDecryptAndGenerateDataKeyOnIt_andNothingElseChanges() {
        SynthesizedSieve.Result created = SynthesizedSieve.createdKey();
        String key = Templates.properties(created.template(), "AWS::KMS::Key").entrySet().stream()
                        .filter(e ->
                                String.valueOf(e.getValue().get("Description")).startsWith("Sieve: data at rest"))
                        .findFirst()
                        .orElseThrow()
                        .getKey()
                + ".Arn";
        assertKeyGrants(created.template(), key);
    }

    @Test
    void dataRoles_withAnImportedKey_getExactlyDecryptAndGenerateDataKeyOnIt_andNothingElseChanges() {
        assertKeyGrants(SynthesizedSieve.importedKey().template(), SynthesizedSieve.IMPORTED_KEY_ARN);
    }

    /**
     * The gate, batch-job and worker roles each read (S3 GetObject, SQS receive, DynamoDB) and write (S3
     * PutObject, SQS send) encrypted data: kms:Decrypt and kms:GenerateDataKey on the data key, no wildcard
     * (CDK's grantSendMessages would add kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*). Their other
     * grants are those of the default deployment, and no other role may use any key.
     */
    private static void assertKeyGrants(Template template, String key) {
        Set<String> dataRoles = new TreeSet<>();
        for (IRole role : List.of(
                STACK.gate().gateFunction().getRole(),
                STACK.gate().batchFunction().getRole(),
                STACK.worker().taskDefinition().getTaskRole())) {
            String roleId = SynthesizedSieve.logicalId(role);
            dataRoles.add(roleId);
            Map<String, Set<String>> actions = actionsByResource(template, roleId);
            assertThat(actions).as(roleId).containsEntry(key, Set.of("kms:Decrypt", "kms:GenerateDataKey"));
            actions.remove(key);
            assertThat(actions).as(roleId).isEqualTo(actionsByResource(TEMPLATE, roleId));
        }
        // The reaper only reads encrypted data (dead messages; table items it updates in place): Decrypt alone.
        String reaperId =
                SynthesizedSieve.logicalId(STACK.gate().reaperFunction().getRole());
        dataRoles.add(reaperId);
        Map<String, Set<String>> reaper = actionsByResource(template, reaperId);
        assertThat(reaper).as(reaperId).containsEntry(key, Set.of("kms:Decrypt"));
        reaper.remove(key);
        assertThat(reaper).as(reaperId).isEqualTo(actionsByResource(TEMPLATE, reaperId));
        // The events Lambda decrypts stream records and sends to its encrypted failure queue.
        String eventsId = SynthesizedSieve.logicalId(STACK.events().function().getRole());
        dataRoles.add(eventsId);
        Map<String, Set<String>> events = actionsByResource(template, eventsId);
        assertThat(events).as(eventsId).containsEntry(key, Set.of("kms:Decrypt", "kms:GenerateDataKey"));
        events.remove(key);
        assertThat(events).as(eventsId).isEqualTo(actionsByResource(TEMPLATE, eventsId));
        properties(template, "AWS::IAM::Policy").forEach((id, policy) -> {
            boolean ofDataRole =
                    list(policy.get("Roles")).stream().anyMatch(r -> dataRoles.contains(Templates.referencedId(r)));
            if (!ofDataRole) {
                assertThat(policy.toString()).as(id).doesNotContain("kms:");
            }
        });
    }

    /** Resource (rendered) → actions, over every policy attached to {@code role} in the default template. */
    static Map<String, Set<String>> actionsByResource(IRole role) {
        return actionsByResource(TEMPLATE, SynthesizedSieve.logicalId(role));
    }

    /** Resource (rendered) → actions, over every policy attached to the role {@code roleId} in {@code template}. */
    static Map<String, Set<String>> actionsByResource(Template template, String roleId) {
        Map<String, Set<String>> out = new TreeMap<>();
        properties(template, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> roleId.equals(Templates.referencedId(r))))
                .flatMap(p -> list(map(p.get("PolicyDocument")).get("Statement")).stream())
                .map(Templates::map)
                .forEach(statement -> {
                    assertThat(statement).containsEntry("Effect", "Allow");
                    for (Object resource : asList(statement.get("Resource"))) {
                        String rendered = render(resource);
                        if (rendered.isEmpty()) {
                            continue; // AWS::NoValue (a table index ARN when the table has no index)
                        }
                        for (Object action : asList(statement.get("Action"))) {
                            out.computeIfAbsent(rendered, k -> new TreeSet<>()).add((String) action);
                        }
                    }
                });
        return out;
    }

    private static List<Object> asList(Object value) {
        return value instanceof List<?> ? list(value) : List.of(value);
    }

    /** {@code Ref}, {@code Fn::GetAtt} and {@code Fn::Join} as text; pseudo parameters as {@code ${...}}. */
    static String render(Object value) {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> m = map(value);
        if (m.get("Ref") instanceof String ref) {
            return "AWS::NoValue".equals(ref) ? "" : ref.startsWith("AWS::") ? "${" + ref + "}" : ref;
        }
        if (m.get("Fn::GetAtt") instanceof List<?> attribute) {
            return attribute.get(0) + "." + attribute.get(1);
        }
        if (m.get("Fn::Join") instanceof List<?> join) {
            StringBuilder out = new StringBuilder();
            for (Object part : list(join.get(1))) {
                String rendered = render(part);
                if (!rendered.isEmpty() || !(part instanceof Map<?, ?>)) {
                    out.append(rendered);
                }
            }
            return out.toString();
        }
        return value.toString();
    }

    private static Map<String, Set<String>> sorted(Map<String, Set<String>> expected) {
        Map<String, Set<String>> out = new TreeMap<>();
        expected.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
        return out;
    }
}
