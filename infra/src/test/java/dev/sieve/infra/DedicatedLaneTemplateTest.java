package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.config.EnvironmentVariables;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * {@code -c dedicatedTenants=acme,bank.eu}: each tenant's real-time lane (queue, DLQ, warm worker service)
 * and what each role may do with it, read from the synthesized template.
 */
class DedicatedLaneTemplateTest {
    private static final SynthesizedSieve.Result LANES =
            SynthesizedSieve.synthesize(Map.of("bundleVersion", "3f2a9c41d7e0", "dedicatedTenants", "acme,bank.eu"));
    private static final Template TEMPLATE = LANES.template();
    private static final SieveStack STACK = LANES.stack();

    private static final Set<String> CONSUME = Set.of(
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage");

    private static String id(IConstruct construct) {
        return STACK.resolve(((CfnElement) construct.getNode().getDefaultChild()).getLogicalId())
                .toString();
    }

    private static String laneQueueArn(String tenant) {
        return id(STACK.queues().lanes().get(tenant)) + ".Arn";
    }

    private static Map<String, Set<String>> actions(software.amazon.awscdk.services.iam.IRole role) {
        return LeastPrivilegeTest.actionsByResource(TEMPLATE, id(role));
    }

    @Test
    void eachLane_hasItsOwnQueueAndDeadLetterQueue_encryptedAndTlsOnly() {
        assertThat(STACK.queues().lanes()).containsOnlyKeys("acme", "bank.eu");
        assertThat(properties(TEMPLATE, "AWS::SQS::Queue"))
                .hasSize(properties(SynthesizedSieve.DEFAULT.template(), "AWS::SQS::Queue")
                                .size()
                        + 4);
        for (String tenant : STACK.queues().lanes().keySet()) {
            Map<String, Object> queue = properties(TEMPLATE, "AWS::SQS::Queue")
                    .get(id(STACK.queues().lanes().get(tenant)));
            assertThat(queue).containsEntry("SqsManagedSseEnabled", true);
            assertThat(map(queue.get("RedrivePolicy"))
                            .get("deadLetterTargetArn")
                            .toString())
                    .contains(id(STACK.queues().laneDeadLetterQueues().get(tenant)));
        }
        assertThat(properties(TEMPLATE, "AWS::SQS::QueuePolicy").values().toString())
                .contains(id(STACK.queues().lanes().get("acme")), "aws:SecureTransport");
    }

    @Test
    void laneWorkerRole_consumesOnlyItsOwnLane_andNeverWritesPayloadsOrParts() {
        LaneWorkerService acme = STACK.lanes().get(0);
        assertThat(acme.tenant()).isEqualTo("acme");
        Map<String, Set<String>> granted = actions(acme.taskDefinition().getTaskRole());
        Map<String, Set<String>> expected = new TreeMap<>();
        String bucket = "StorageDataBucketB1B922FA.Arn";
        expected.put(bucket, new TreeSet<>(Set.of("s3:ListBucket")));
        expected.put(bucket + "/bundles/*", new TreeSet<>(Set.of("s3:GetObject")));
        expected.put(bucket + "/payloads/*", new TreeSet<>(Set.of("s3:GetObject")));
        expected.put(
                "StorageTableB43FDCE7.Arn",
                new TreeSet<>(Set.of(
                        "dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")));
        expected.put(laneQueueArn("acme"), new TreeSet<>(CONSUME));
        expected.put(
                "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/WorkerCluster89E4DD17/*",
                new TreeSet<>(Set.of("ecs:GetTaskProtection", "ecs:UpdateTaskProtection")));
        assertThat(granted).isEqualTo(expected);
    }

    @Test
    void onlyTheGateHttpHandlerSendsToLanes_andTheSharedWorkerCannotDrainThem() {
        String acme = laneQueueArn("acme");
        String bank = laneQueueArn("bank.eu");
        assertThat(actions(STACK.gate().gateFunction().getRole()))
                .containsEntry(acme, Set.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"))
                .containsEntry(bank, Set.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"));
        assertThat(actions(STACK.gate().batchFunction().getRole())).doesNotContainKeys(acme, bank);
        assertThat(actions(STACK.worker().taskDefinition().getTaskRole())).doesNotContainKeys(acme, bank);
        assertThat(actions(STACK.lanes().get(1).taskDefinition().getTaskRole()))
                .containsKey(bank)
                .doesNotContainKey(acme);
    }

    @Test
    void reaper_drainsTheLanesDeadLetterQueues() {
        String drained = actions(STACK.gate().reaperFunction().getRole()).toString();
        for (var dlq : STACK.queues().laneDeadLetterQueues().values()) {
            assertThat(drained).contains(id(dlq) + ".Arn=[sqs:DeleteMessage, sqs:ReceiveMessage]");
        }
        Object urls = map(map(properties(TEMPLATE, "AWS::Lambda::Function")
                                .get(id(STACK.gate().reaperFunction()))
                                .get("Environment"))
                        .get("Variables"))
                .get(EnvironmentVariables.DEAD_LETTER_QUEUE_URLS);
        assertThat(urls.toString())
                .contains(id(STACK.queues().laneDeadLetterQueues().get("bank.eu")));
    }

    @Test
    void laneWorkers_stayWarm_withinLaneBounds_andTheFleetHasRoomForThem() {
        Map<String, Map<String, Object>> targets = properties(TEMPLATE, "AWS::ApplicationAutoScaling::ScalableTarget");
        assertThat(targets).hasSize(3);
        assertThat(targets.values().stream()
                        .filter(t -> Integer.valueOf(1).equals(t.get("MinCapacity"))
                                && Integer.valueOf(2).equals(t.get("MaxCapacity"))))
                .hasSize(2);
        // Wake-from-zero only for the shared service: a lane never is at zero.
        assertThat(properties(TEMPLATE, "AWS::ApplicationAutoScaling::ScalingPolicy").values().stream()
                        .filter(p -> "StepScaling".equals(p.get("PolicyType"))))
                .hasSize(1);
        // maxWorkers (4) + 2 lanes x laneMaxWorkers (2)
        assertThat(properties(TEMPLATE, "AWS::AutoScaling::AutoScalingGroup")
                        .values()
                        .iterator()
                        .next())
                .containsEntry("MaxSize", "8");
    }

    @Test
    void laneWorker_pollsOnlyItsLane_andTheGateKnowsEachTenantsLane() {
        Map<String, Object> container = map(list(properties(TEMPLATE, "AWS::ECS::TaskDefinition")
                        .get(id(STACK.lanes().get(0).taskDefinition()))
                        .get("ContainerDefinitions"))
                .get(0));
        Map<String, String> env = new TreeMap<>();
        for (Object entry : list(container.get("Environment"))) {
            env.put(
                    (String) map(entry).get("Name"),
                    LeastPrivilegeTest.render(map(entry).get("Value")));
        }
        assertThat(env.get(EnvironmentVariables.REALTIME_QUEUE_URL))
                .isEqualTo(id(STACK.queues().lanes().get("acme")));
        assertThat(env).doesNotContainKeys(EnvironmentVariables.ASYNC_QUEUE_URL, EnvironmentVariables.BATCH_QUEUE_URL);

        Map<String, Object> gateEnv = map(map(properties(TEMPLATE, "AWS::Lambda::Function")
                        .get(id(STACK.gate().gateFunction()))
                        .get("Environment"))
                .get("Variables"));
        String lanes = LeastPrivilegeTest.render(gateEnv.get(EnvironmentVariables.LANE_QUEUE_URLS));
        assertThat(lanes)
                .startsWith("{\"acme\":\"")
                .contains(id(STACK.queues().lanes().get("acme")), "\"bank.eu\":\"");
        assertThat(SynthesizedSieve.DEFAULT.template().toJSON().toString())
                .doesNotContain(EnvironmentVariables.LANE_QUEUE_URLS);
    }

    @Test
    void outputs_nameTheLaneServices_andEveryLaneQueueAlarms() {
        assertThat(TEMPLATE.toJSON().get("Outputs").toString()).contains("LaneWorkerServiceNames");
        assertThat(SynthesizedSieve.DEFAULT.template().toJSON().get("Outputs").toString())
                .doesNotContain("LaneWorkerServiceNames");
        String alarms = properties(TEMPLATE, "AWS::CloudWatch::Alarm").values().toString();
        assertThat(alarms)
                .contains(
                        "dead-letter queue of tenant acme's dedicated lane",
                        "tenant acme's dedicated lane is older than the real-time budget",
                        "tenant bank.eu's dedicated lane");
    }

    @Test
    void nag_findsNothing_andLanesNeedNoNewKindOfAcknowledgment() {
        JsonNode reports = LANES.validationReport().get("pluginReports");
        assertThat(reports).as(reports.toPrettyString()).isEmpty();
        assertThat(NagTest.acknowledgments(STACK).keySet())
                .isSubsetOf(NagTest.acknowledgments(SynthesizedSieve.DEFAULT.stack())
                        .keySet());
    }
}
