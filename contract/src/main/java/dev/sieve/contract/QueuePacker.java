package dev.sieve.contract;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.queue.QueueMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs escalated items into as few queue messages as fit {@link QueueMessage#MAX_INLINE_BYTES}, in
 * order. An item too large to share a message with the envelope travels alone through S3.
 */
public final class QueuePacker {
    /** Room left for the envelope (ids, priority, deadline, version) around the items array. */
    static final int ENVELOPE_BYTES = 1024;

    private final int budgetBytes;

    public QueuePacker() {
        this(QueueMessage.MAX_INLINE_BYTES - ENVELOPE_BYTES);
    }

    QueuePacker(int budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Groups of items that each fit one inline message, and the items that must go through S3. */
    public record Packing(List<List<QueueItem>> inlineGroups, List<QueueItem> oversized) {}

    public Packing pack(List<QueueItem> items) {
        List<List<QueueItem>> groups = new ArrayList<>();
        List<QueueItem> oversized = new ArrayList<>();
        List<QueueItem> current = new ArrayList<>();
        int currentBytes = 0;
        for (QueueItem item : items) {
            int bytes = sizeOf(item) + 1;
            if (bytes > budgetBytes) {
                oversized.add(item);
                continue;
            }
            if (currentBytes + bytes > budgetBytes) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(item);
            currentBytes += bytes;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return new Packing(groups, oversized);
    }

    static int sizeOf(QueueItem item) {
        return Json.writeBytes(item).length;
    }
}
