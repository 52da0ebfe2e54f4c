package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.queue.Priority;
import java.util.HashSet;
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
        assertThat(queues).hasSize(9);
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
        assertThat(redrive).containsEntry("maxReceiveCount", ResourceDefaults.MAX_RECEIVE_COUNT);
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
