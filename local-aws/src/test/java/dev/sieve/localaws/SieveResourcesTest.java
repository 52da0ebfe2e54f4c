package dev.sieve.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.ResourceDefaults;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class SieveResourcesTest {
    private static final SieveResources RESOURCES = new SieveResources(
            "p-table",
            "p-bucket",
            "http://q/p-realtime",
            "http://q/p-async",
            "http://q/p-batch",
            Map.of(
                    Priority.REALTIME, "http://q/p-realtime-dlq",
                    Priority.ASYNC, "http://q/p-async-dlq",
                    Priority.BATCH, "http://q/p-batch-dlq"));

    @Test
    void names_whenPrefixGiven_followTheDocumentedLayout() {
        assertThat(SieveResources.queueName("demo", Priority.REALTIME)).isEqualTo("demo-realtime");
        assertThat(SieveResources.queueName("demo", Priority.ASYNC)).isEqualTo("demo-async");
        assertThat(SieveResources.dlqName("demo", Priority.BATCH)).isEqualTo("demo-batch-dlq");
        assertThat(SieveResources.tableName("demo")).isEqualTo("demo-table");
        assertThat(SieveResources.bucketName("demo")).isEqualTo("demo-bucket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Demo", "-demo", "demo-", "demo_1", "a.b", "a2345678901234567890123456789012345678901"})
    void checkPrefix_whenNotALowerCaseDnsLabelOfAtMost40_throwsWithTheRule(String prefix) {
        assertThatThrownBy(() -> SieveResources.checkPrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + prefix + "'")
                .hasMessageContaining("lower-case letters, digits and hyphens");
    }

    @Test
    void uniquePrefix_whenCalledTwice_returnsDifferentValidPrefixes() {
        String first = SieveResources.uniquePrefix("it");
        String second = SieveResources.uniquePrefix("it");

        assertThat(first).startsWith("it-").isNotEqualTo(second);
        SieveResources.checkPrefix(first);
    }

    @Test
    void environment_whenCreated_namesEveryResourceVariable() {
        assertThat(RESOURCES.environment())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        EnvironmentVariables.TABLE_NAME, "p-table",
                        EnvironmentVariables.BUCKET_NAME, "p-bucket",
                        EnvironmentVariables.REALTIME_QUEUE_URL, "http://q/p-realtime",
                        EnvironmentVariables.ASYNC_QUEUE_URL, "http://q/p-async",
                        EnvironmentVariables.BATCH_QUEUE_URL, "http://q/p-batch"));
    }

    @Test
    void queueUrl_whenAskedPerPriority_returnsTheMatchingQueue() {
        assertThat(RESOURCES.queueUrl(Priority.REALTIME)).isEqualTo("http://q/p-realtime");
        assertThat(RESOURCES.queueUrl(Priority.BATCH)).isEqualTo("http://q/p-batch");
        assertThat(RESOURCES.dlqUrl(Priority.ASYNC)).isEqualTo("http://q/p-async-dlq");
    }

    @Test
    void constructor_whenADeadLetterQueueIsMissing_throws() {
        assertThatThrownBy(() -> new SieveResources("t", "b", "r", "a", "q", Map.of(Priority.REALTIME, "d")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ASYNC");
    }

    @Test
    void workQueueAttributes_whenBuilt_matchTheProductionDefaults() {
        Map<QueueAttributeName, String> attributes =
                SieveResources.workQueueAttributes("arn:aws:sqs:us-east-1:000000000000:p-batch-dlq");

        assertThat(attributes)
                .containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "60")
                .containsEntry(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20")
                .containsEntry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "345600");
        @SuppressWarnings("unchecked")
        Map<String, Object> redrive = Json.read(attributes.get(QueueAttributeName.REDRIVE_POLICY), Map.class);
        assertThat(redrive)
                .containsEntry("deadLetterTargetArn", "arn:aws:sqs:us-east-1:000000000000:p-batch-dlq")
                .containsEntry("maxReceiveCount", ResourceDefaults.MAX_RECEIVE_COUNT);
        assertThat(SieveResources.dlqAttributes())
                .containsEntry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600");
    }
}
