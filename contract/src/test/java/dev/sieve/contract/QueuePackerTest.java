package dev.sieve.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueuePackerTest {

    private static List<QueueItem> items(int count, int textLength) {
        List<QueueItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(QueueItem.of("id-" + i, "t".repeat(textLength), new float[] {0.4f, 0.6f}));
        }
        return items;
    }

    @Test
    void pack_whenSmallItems_putsThemAllInOneMessage() {
        QueuePacker.Packing packing = new QueuePacker().pack(items(50, 100));
        assertThat(packing.inlineGroups()).hasSize(1);
        assertThat(packing.inlineGroups().get(0)).hasSize(50);
        assertThat(packing.oversized()).isEmpty();
    }

    @Test
    void pack_whenItemsExceedOneMessage_splitsInOrderAndEveryMessageFits() {
        List<QueueItem> input = items(40, 20_000);
        QueuePacker.Packing packing = new QueuePacker().pack(input);

        assertThat(packing.inlineGroups()).hasSizeGreaterThan(1);
        assertThat(packing.inlineGroups().stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(input);
        for (List<QueueItem> group : packing.inlineGroups()) {
            QueueMessage message = QueueMessage.inline(
                    QueueMessage.Kind.REQUEST,
                    "r-" + "x".repeat(36),
                    0,
                    Priority.REALTIME,
                    Long.MAX_VALUE,
                    "0123456789abcdef",
                    Long.MAX_VALUE,
                    group);
            assertThat(Json.write(message).getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(QueueMessage.MAX_INLINE_BYTES);
        }
    }

    @Test
    void pack_whenOneItemIsLargerThanAMessage_sendsItThroughS3() {
        List<QueueItem> input = new ArrayList<>(items(3, 10));
        input.add(1, QueueItem.of("huge", "h".repeat(QueueMessage.MAX_INLINE_BYTES), null));
        QueuePacker.Packing packing = new QueuePacker().pack(input);

        assertThat(packing.oversized()).extracting(QueueItem::id).containsExactly("huge");
        assertThat(packing.inlineGroups()).hasSize(1);
        assertThat(packing.inlineGroups().get(0)).hasSize(3);
    }
}
