package dev.sieve.worker.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messages this worker holds, by message id, and how many items they carry (a message counts as
 * one item until its body is parsed). The poller stops receiving when the item count reaches its cap.
 */
public final class InFlight {
    private final Map<String, InFlightMessage> messages = new ConcurrentHashMap<>();
    private final AtomicInteger items = new AtomicInteger();

    /** Registers a new receive; returns the message already held under the same id, or null. */
    public InFlightMessage register(InFlightMessage message) {
        InFlightMessage existing = messages.putIfAbsent(message.messageId(), message);
        if (existing == null) {
            items.incrementAndGet();
        }
        return existing;
    }

    /** A message's body is parsed: it now counts its real number of items. */
    public void parsed(int itemCount) {
        items.addAndGet(itemCount - 1);
    }

    /** Forgets a message that was deleted or released. */
    public void unregister(InFlightMessage message) {
        if (messages.remove(message.messageId(), message)) {
            items.addAndGet(-(message.body() == null ? 1 : message.items().size()));
        }
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public int size() {
        return messages.size();
    }

    public int items() {
        return items.get();
    }

    /** A live view (iteration is weakly consistent). */
    public Collection<InFlightMessage> messages() {
        return messages.values();
    }

    public List<InFlightMessage> snapshot() {
        return List.copyOf(messages.values());
    }
}
