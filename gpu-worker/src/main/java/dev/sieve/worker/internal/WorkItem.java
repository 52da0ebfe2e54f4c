package dev.sieve.worker.internal;

import dev.sieve.shared.queue.QueueItem;
import dev.sieve.worker.expert.ExpertInput;

/**
 * One tokenized item waiting for (or in) a batch.
 *
 * @param fingerprint its text's response-cache key ({@link AnswerCache#fingerprint}), null when the cache
 *     is off
 */
public record WorkItem(InFlightMessage message, int index, QueueItem item, ExpertInput input, String fingerprint) {}
