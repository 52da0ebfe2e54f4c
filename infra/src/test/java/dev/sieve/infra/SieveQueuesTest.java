package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.queue.Priority;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class SieveQueuesTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    @Test
    void queues_always_areEncrypted() {
        Map<String, Map<String, Object>> queues = properties(TEMPLATE, "AWS::SQS::Queue");
        // three work queues, the jobs queue, their four DLQs, and the DLQ of failed S3 job events
        assertThat(queues).hasSize(10); // with the events source's failure queue
        queues.forEach((id, props) -> assertThat(props).as(id).containsEntry("SqsManagedSseEnabled", true));
    }

    @Test
    void queues_always_denyRequestsWithoutTls() {
        Set<String> tlsOnly = new HashSet<>();
        properties(TEMPLATE, "AWS::SQS::QueuePolicy").forEach((id, props) -> {
            boolean denies = list(map(props.get("PolicyDocument")).get("Statement")).stream()
                    .map(Templates::map)
                    .anyMatch(s -> "Deny".equals(s.get("Effect"))
                            && String.valueOf(s.get("Condition")).contains("aws:SecureTransport=false"));
            if (denies) {
                list(props.get("Queues")).forEach(q -> tlsOnly.add(Templates.referencedId(q)));
            }
        });
        assertThat(tlsOnly)
                .containsExactlyInAnyOrderElementsOf(
                        properties(TEMPLATE, "AWS::SQS::Queue").keySet());
    }

    @Test
    void workQueues_each_haveTheirOwnDeadLetterQueueWithAFiniteReceiveCount() {
        SieveQueues queues = SynthesizedSieve.DEFAULT.stack().queues();
        Set<String> deadLetterTargets = new HashSet<>();
        for (Priority priority : Priority.values()) {
            Map<String, Object> props =
                    properties(TEMPLATE, "AWS::SQS::Queue").get(SynthesizedSieve.logicalId(queues.queue(priority)));
            Map<String, Object> redrive = map(props.get("RedrivePolicy"));
            assertThat(redrive)
                    .as(priority.name())
                    .containsEntry("maxReceiveCount", ResourceDefaults.MAX_RECEIVE_COUNT);
            String target = Templates.referencedId(redrive.get("deadLetterTargetArn"));
            assertThat(target).isEqualTo(SynthesizedSieve.logicalId(queues.deadLetterQueue(priority)));
            deadLetterTargets.add(target);
        }
        assertThat(deadLetterTargets).hasSize(Priority.values().length);
    }

    @Test
    void jobsQueue_hasItsOwnDeadLetterQueueAndOutlastsSixBatchFunctionTimeouts() {
        SieveQueues queues = SynthesizedSieve.DEFAULT.stack().queues();
        Map<String, Object> props =
                properties(TEMPLATE, "AWS::SQS::Queue").get(SynthesizedSieve.logicalId(queues.jobsQueue()));
        Map<String, Object> redrive = map(props.get("RedrivePolicy"));
        assertThat(redrive).containsEntry("maxReceiveCount", ResourceDefaults.JOBS_MAX_RECEIVE_COUNT);
        String dlq = SynthesizedSieve.logicalId(queues.jobsDeadLetterQueue());
        assertThat(Templates.referencedId(redrive.get("deadLetterTargetArn"))).isEqualTo(dlq);
        for (Priority priority : Priority.values()) {
            assertThat(dlq).isNotEqualTo(SynthesizedSieve.logicalId(queues.deadLetterQueue(priority)));
        }
        assertThat(props).containsEntry("SqsManagedSseEnabled", true);
        int batchTimeout = (Integer) properties(TEMPLATE, "AWS::Lambda::Function")
                .get(SynthesizedSieve.logicalId(
                        SynthesizedSieve.DEFAULT.stack().gate().batchFunction()))
                .get("Timeout");
        assertThat((Integer) props.get("VisibilityTimeout")).isGreaterThanOrEqualTo(6 * batchTimeout);
    }

    /**
     * Issue 11: SQS deletes a message unread when its retention ends
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html,
     * {@code MessageRetentionPeriod}),
     * so every queue with a consumer (those with a redrive policy) alarms when its oldest message has waited
     * half its retention, read from the template.
     */
    @Test
    void everyWorkQueue_hasAnAgeAlarmAtHalfItsRetention() {
        Map<String, Map<String, Object>> queues = properties(TEMPLATE, "AWS::SQS::Queue");
        Map<String, Map<String, Object>> alarms = properties(TEMPLATE, "AWS::CloudWatch::Alarm");
        int workQueues = 0;
        for (Map.Entry<String, Map<String, Object>> queue : queues.entrySet()) {
            if (!queue.getValue().containsKey("RedrivePolicy")) {
                continue; // a dead-letter queue: see the next test
            }
            workQueues++;
            int retention = (Integer) queue.getValue().get("MessageRetentionPeriod");
            assertThat(alarmsOn(alarms, queue.getKey(), "ApproximateAgeOfOldestMessage"))
                    .as(queue.getKey())
                    .anySatisfy(a -> assertThat(a)
                            .containsEntry("Threshold", retention / 2)
                            .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold")
                            .containsEntry("Namespace", "AWS/SQS"));
        }
        assertThat(workQueues).isEqualTo(Priority.values().length + 1); // and the jobs queue
    }

    /** Every queue without a consumer of its own (a dead-letter queue) alarms as soon as it holds a message. */
    @Test
    void everyDeadLetterQueue_hasANotEmptyAlarm() {
        Map<String, Map<String, Object>> alarms = properties(TEMPLATE, "AWS::CloudWatch::Alarm");
        properties(TEMPLATE, "AWS::SQS::Queue").forEach((id, queue) -> {
            if (queue.containsKey("RedrivePolicy")) {
                return;
            }
            assertThat(alarmsOn(alarms, id, "ApproximateNumberOfMessagesVisible"))
                    .as(id)
                    .anySatisfy(a -> assertThat(a)
                            .containsEntry("Threshold", 1)
                            .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold"));
        });
    }

    private static List<Map<String, Object>> alarmsOn(
            Map<String, Map<String, Object>> alarms, String queueId, String metric) {
        return alarms.values().stream()
                .filter(a -> metric.equals(a.get("MetricName")))
                .filter(a -> list(a.get("Dimensions")).stream()
                        .map(Templates::map)
                        .anyMatch(d -> "QueueName".equals(d.get("Name"))
                                && queueId.equals(Templates.referencedId(d.get("Value")))))
                .toList();
    }

    @Test
    void workQueues_visibilityTimeout_equalsTheWorkersLease() {
        SieveQueues queues = SynthesizedSieve.DEFAULT.stack().queues();
        Map<String, Object> workerEnvironment = GpuWorkerServiceTest.workerEnvironment();
        for (Priority priority : Priority.values()) {
            Map<String, Object> props =
                    properties(TEMPLATE, "AWS::SQS::Queue").get(SynthesizedSieve.logicalId(queues.queue(priority)));
            assertThat(props)
                    .containsEntry("VisibilityTimeout", ResourceDefaults.VISIBILITY_TIMEOUT_SECONDS)
                    .containsEntry("ReceiveMessageWaitTimeSeconds", ResourceDefaults.RECEIVE_WAIT_SECONDS)
                    .containsEntry("MessageRetentionPeriod", ResourceDefaults.MESSAGE_RETENTION_SECONDS);
        }
        assertThat(workerEnvironment)
                .containsEntry(
                        EnvironmentVariables.VISIBILITY_TIMEOUT_S,
                        Integer.toString(ResourceDefaults.VISIBILITY_TIMEOUT_SECONDS));
    }
}
