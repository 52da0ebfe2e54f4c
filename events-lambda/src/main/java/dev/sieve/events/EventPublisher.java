package dev.sieve.events;

import java.util.List;

/** Where events go: EventBridge in AWS ({@link EventBridgePublisher}), a JSON Lines file in local mode. */
public interface EventPublisher {

    /**
     * Delivers {@code events} (in order, at least once) as far as it can, retrying on its own.
     *
     * @return how many of the leading events are delivered: {@code events.size()} when all went, else the
     *     index of the first one that did not (some after it may have gone too; they will go again)
     */
    int publish(List<SieveEvent> events);
}
