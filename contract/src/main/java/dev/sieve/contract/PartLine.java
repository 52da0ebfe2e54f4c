package dev.sieve.contract;

import dev.sieve.shared.result.ItemResult;
import java.util.Objects;

/**
 * One line of a batch-transform part file ({@link PartFiles}): the result of manifest line {@code
 * line}. Gate part files hold the items the gate answered, expert part files the rest; the job's output
 * is their merge by line number. The gate and the worker both write this shape through {@link
 * PartFiles#encode}.
 *
 * @param line 0-based line number in the manifest ({@code QueueItem.line})
 * @param result the item's result
 */
public record PartLine(long line, ItemResult result) {
    public PartLine {
        Objects.requireNonNull(result, "result");
    }
}
