package dev.sieve.gate.batch;

/**
 * One line of a job's output ({@code jobs/out/<name>.out}), in manifest order.
 *
 * @param line 0-based manifest line number
 * @param id the manifest line's {@code id}, or the line number when it had none
 * @param tier {@code gate} or {@code expert}
 * @param error why the line has no label (bad manifest line, expert failure, lost)
 */
public record OutputLine(long line, String id, String label, Double confidence, String tier, String error) {}
