package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.queue.Priority;
import dev.sieve.worker.QueueRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollerTest {
    private static final QueueRef REALTIME = new QueueRef(Priority.REALTIME, "rt");
    private static final QueueRef ASYNC = new QueueRef(Priority.ASYNC, "async");
    private static final QueueRef BATCH = new QueueRef(Priority.BATCH, "batch");

    @Test
    void waitSeconds_whenIdle_longPollsOnlyTheHighestPriorityQueue() {
        List<QueueRef> queues = List.of(REALTIME, ASYNC, BATCH);

        assertThat(Poller.waitSeconds(true, REALTIME, queues, 5)).isEqualTo(5);
        assertThat(Poller.waitSeconds(true, ASYNC, queues, 5)).isZero();
        assertThat(Poller.waitSeconds(true, BATCH, queues, 5)).isZero();
        assertThat(Poller.waitSeconds(false, REALTIME, queues, 5)).isZero();
    }

    @Test
    void waitSeconds_whenNoRealtimeQueue_longPollsTheHighestOneConfigured() {
        List<QueueRef> queues = List.of(ASYNC, BATCH);

        assertThat(Poller.waitSeconds(true, ASYNC, queues, 1)).isEqualTo(1);
        assertThat(Poller.waitSeconds(true, BATCH, queues, 1)).isZero();
    }
}
