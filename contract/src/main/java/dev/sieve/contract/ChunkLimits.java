package dev.sieve.contract;

/**
 * How a manifest is cut into chunks: at most {@code lines} lines and at most {@code bytes} bytes per
 * chunk (a single line longer than {@code bytes} is a chunk of its own). Pinned in the job's META when the
 * job is created, so every scan of the same job cuts the same chunks.
 */
public record ChunkLimits(int lines, long bytes) {
    public ChunkLimits {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be at least 1 (got " + lines + ")");
        }
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be at least 1 (got " + bytes + ")");
        }
    }
}
