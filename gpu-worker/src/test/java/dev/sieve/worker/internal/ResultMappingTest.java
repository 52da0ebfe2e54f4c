package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.contract.ExpertResultWriter;
import dev.sieve.contract.PartFiles;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.result.Tier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultMappingTest {
    private static final List<String> LABELS = List.of("ham", "spam");

    @Test
    void expert_setsExpertLabelAndGateAnswer() {
        QueueItem item = QueueItem.of("i1", "text", new float[] {0.6f, 0.4f});

        ItemResult r = ResultMapper.expert(item, new float[] {0.1f, 0.9f}, LABELS);

        assertThat(r.tier()).isEqualTo(Tier.EXPERT);
        assertThat(r.label()).isEqualTo("spam");
        assertThat(r.confidence()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.gateLabel()).isEqualTo("ham");
        assertThat(r.gateConfidence()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.error()).isNull();
    }

    @Test
    void failed_keepsGateLabelAndRecordsReason() {
        QueueItem item = QueueItem.of("i1", "text", new float[] {0.3f, 0.7f});

        ItemResult r = ResultMapper.failed(item, LABELS, "expert failed: boom");

        assertThat(r.tier()).isEqualTo(Tier.GATE);
        assertThat(r.label()).isEqualTo("spam");
        assertThat(r.error()).isEqualTo("expert failed: boom");
    }

    @Test
    void partFile_ordersLinesByManifestLineInThePartLineShape() {
        List<QueueItem> items = List.of(new QueueItem("b", "t", null, 7L), new QueueItem("a", "t", null, 3L));
        List<ItemResult> results = List.of(
                ItemResult.expert("b", "spam", 0.9, "spam", 0.6), ItemResult.expert("a", "ham", 0.8, "ham", 0.7));

        String part =
                new String(PartFiles.encode(ExpertResultWriter.partLines(items, results)), StandardCharsets.UTF_8);

        assertThat(part.lines().toList())
                .hasSize(2)
                .first()
                .asString()
                .contains("\"id\":\"a\"")
                .startsWith("{\"line\":3,\"result\":");
    }
}
