package dev.sieve.shared.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueMessageTest {

    @Test
    void json_whenRoundTripped_keepsEveryField() {
        QueueMessage message = QueueMessage.inline(
                QueueMessage.Kind.REQUEST,
                "req-1",
                0,
                Priority.REALTIME,
                1_000L,
                "0123456789abcdef",
                900L,
                List.of(QueueItem.of("a", "hello", new float[] {0.4f, 0.6f})));

        String json = Json.write(message);
        QueueMessage back = Json.read(json, QueueMessage.class);

        assertThat(json).contains("\"request_id\":\"req-1\"").contains("\"bundle_version\"");
        assertThat(back.requestId()).isEqualTo("req-1");
        assertThat(back.priority()).isEqualTo(Priority.REALTIME);
        assertThat(back.items()).hasSize(1);
        assertThat(back.items().get(0).gateProbabilities()).containsExactly(0.4f, 0.6f);
        assertThat(back.payloadUri()).isNull();
        assertThat(back.allowGateFallback()).isFalse();
    }

    @Test
    void json_whenGateFallbackAllowed_carriesTheConsentAndOlderBodiesMeanFalse() {
        QueueMessage message = QueueMessage.inline(
                        QueueMessage.Kind.REQUEST,
                        "req-2",
                        0,
                        Priority.REALTIME,
                        1_000L,
                        "v",
                        900L,
                        List.of(QueueItem.of("a", "hello", null)))
                .withGateFallback(true);

        String json = Json.write(message);
        QueueMessage back = Json.read(json, QueueMessage.class);
        QueueMessage older = Json.read(json.replace(",\"allow_gate_fallback\":true", ""), QueueMessage.class);

        assertThat(json).contains("\"allow_gate_fallback\":true");
        assertThat(back.allowGateFallback()).isTrue();
        assertThat(back.gateFallbackDue(1_000L)).isFalse();
        assertThat(back.gateFallbackDue(1_001L)).isTrue();
        assertThat(older.allowGateFallback()).isFalse();
        assertThat(older.gateFallbackDue(5_000L)).isFalse();
    }

    @Test
    void constructor_whenBothItemsAndPayload_rejects() {
        assertThatThrownBy(() -> new QueueMessage(
                        1, QueueMessage.Kind.JOB_CHUNK, "job", 3, Priority.BATCH, 0, "v", 0, List.of(), "s3://b/k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one of items and payloadUri");
    }
}
