package dev.sieve.gate.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.GateEntry;
import dev.sieve.contract.InMemoryJobStore;
import dev.sieve.contract.InMemoryRequestStore;
import dev.sieve.contract.RequestState;
import dev.sieve.gate.batch.LogCompletionEvents;
import dev.sieve.shared.config.ConfigException;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class ReaperHandlerTest {
    private static final long NOW = Instant.parse("2026-12-04T03:00:00Z").toEpochMilli();

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("SIEVE_TABLE_NAME", "t");
        env.put("SIEVE_BUCKET_NAME", "b");
        env.put("SIEVE_DEAD_LETTER_QUEUE_URLS", "https://sqs/1/realtime-dlq, https://sqs/1/jobs-dlq,");
        return env;
    }

    @Test
    void config_fromEnvironment_readsEveryDeadLetterQueue_andDefaultsTheNamespace() {
        ReaperHandler.Config config = ReaperHandler.Config.fromEnvironment(environment());
        assertThat(config.deadLetterQueueUrls())
                .containsExactly("https://sqs/1/realtime-dlq", "https://sqs/1/jobs-dlq");
        assertThat(config.tableName()).isEqualTo("t");
        assertThat(config.bucketName()).isEqualTo("b");
        assertThat(config.metricsNamespace()).isEqualTo("Sieve");
    }

    @Test
    void config_whenTheQueueListIsMissingOrEmpty_namesTheVariable() {
        Map<String, String> missing = environment();
        missing.remove("SIEVE_DEAD_LETTER_QUEUE_URLS");
        assertThatThrownBy(() -> ReaperHandler.Config.fromEnvironment(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_DEAD_LETTER_QUEUE_URLS");
        Map<String, String> empty = environment();
        empty.put("SIEVE_DEAD_LETTER_QUEUE_URLS", " , ");
        assertThatThrownBy(() -> ReaperHandler.Config.fromEnvironment(empty))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_DEAD_LETTER_QUEUE_URLS");
    }

    @Test
    void handleRequest_onAScheduledEvent_runsTheReaperOnce_andAnswersItsOutcome() throws Exception {
        InMemoryRequestStore requests = new InMemoryRequestStore();
        long old = NOW - Reaper.DEFAULT_REQUEST_DEADLINE.toMillis() - 1;
        requests.create("acme:overdue", "async", "asked", List.of(new GateEntry("i0", "ham", 0.6, true)), 1, old, 0);
        requests.create("acme:young", "async", "asked", List.of(new GateEntry("i0", "ham", 0.6, true)), 1, NOW, 0);
        // No dead-letter queue here, so the client is never called (the reaper's SQS path is ReaperIT's).
        try (SqsClient sqs = SqsClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .build()) {
            ReaperHandler handler = new ReaperHandler(new Reaper(
                    requests,
                    new InMemoryJobStore(),
                    sqs,
                    List.of(),
                    new LogCompletionEvents(Metrics.noop()),
                    Reaper.DEFAULT_REQUEST_DEADLINE,
                    Reaper.DEFAULT_JOB_DEADLINE,
                    Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)));
            String scheduledEvent = "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}";

            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(scheduledEvent.getBytes()), output, null);

            JsonNode outcome = Json.mapper().readTree(output.toByteArray());
            assertThat(outcome.path("requests_failed").asLong()).isEqualTo(1);
            assertThat(outcome.path("dead_messages").asLong()).isZero();
            assertThat(requests.meta("acme:overdue").orElseThrow().state()).isEqualTo(RequestState.FAILED);
            assertThat(requests.meta("acme:young").orElseThrow().state()).isEqualTo(RequestState.PENDING);
        }
    }
}
