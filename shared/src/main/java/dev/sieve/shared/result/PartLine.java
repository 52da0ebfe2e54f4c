package dev.sieve.shared.result;

import java.util.Objects;

/**
 * One line of a batch-transform part file ({@link BucketLayout#part}): the result of the manifest
 * line {@code line}. Gate part files hold the items the gate answered, expert part files the rest;
 * the job's output is their merge by line number.
 *
 * @param line 0-based line number in the manifest ({@code QueueItem.line})
 * @param result the item's result
 */
public record PartLine(long line, ItemResult result) {
    public PartLine {
        Objects.requireNonNull(result, "result");
    }
}
