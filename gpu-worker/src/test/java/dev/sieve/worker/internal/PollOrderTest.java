package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.queue.Priority;
import dev.sieve.worker.QueueRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollOrderTest {
    private final QueueRef rt = new QueueRef(Priority.REALTIME, "rt");
    private final QueueRef async = new QueueRef(Priority.ASYNC, "async");
    private final QueueRef batch = new QueueRef(Priority.BATCH, "batch");

    @Test
    void next_whenNothingStarved_isStrictPriority() {
        PollOrder order = new PollOrder(List.of(rt, async, batch), 3);

        assertThat(order.next()).containsExactly(rt, async, batch);
    }

    @Test
    void next_afterLimitCyclesServedByRealtime_pollsTheLongestSkippedQueueFirst() {
        PollOrder order = new PollOrder(List.of(rt, async, batch), 3);
        order.polled(List.of(rt, async)); // async empty, batch skipped once
        order.polled(List.of(rt));
        order.polled(List.of(rt));

        assertThat(order.next()).containsExactly(batch, rt, async);
        order.polled(List.of(batch));
        assertThat(order.next().get(0)).isEqualTo(async);
    }

    @Test
    void next_whenEveryQueueWasPolled_resetsStarvation() {
        PollOrder order = new PollOrder(List.of(rt, async, batch), 2);
        order.polled(List.of(rt));
        order.polled(List.of(rt, async, batch));

        assertThat(order.next()).containsExactly(rt, async, batch);
    }
}
