package dev.sieve.worker.internal;

import dev.sieve.worker.QueueRef;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which one poll cycle tries the queues. Normally strict priority; a queue that was not
 * polled for {@code starvationLimit} consecutive cycles (because higher ones kept returning
 * messages) is tried first in the next cycle. So while higher queues have work, a lower queue is
 * still polled at least once every {@code starvationLimit + 1} cycles. Not thread-safe (the poller
 * thread owns it).
 */
public final class PollOrder {
    private final List<QueueRef> byPriority;
    private final int starvationLimit;
    private final int[] skipped;

    public PollOrder(List<QueueRef> byPriority, int starvationLimit) {
        this.byPriority = List.copyOf(byPriority);
        this.starvationLimit = starvationLimit;
        this.skipped = new int[byPriority.size()];
    }

    /** The queues in the order this cycle should try them. */
    public List<QueueRef> next() {
        int starved = -1;
        for (int i = 0; i < skipped.length; i++) {
            if (skipped[i] >= starvationLimit && (starved < 0 || skipped[i] > skipped[starved])) {
                starved = i;
            }
        }
        List<QueueRef> order = new ArrayList<>(byPriority);
        if (starved > 0) {
            order.add(0, order.remove(starved));
        }
        return order;
    }

    /** Records which queues the cycle actually polled (those before and including the one that answered). */
    public void polled(List<QueueRef> polled) {
        for (int i = 0; i < byPriority.size(); i++) {
            if (polled.contains(byPriority.get(i))) {
                skipped[i] = 0;
            } else {
                skipped[i]++;
            }
        }
    }
}
