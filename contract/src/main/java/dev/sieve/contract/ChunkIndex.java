package dev.sieve.contract;

import dev.sieve.shared.result.BucketLayout;
import java.util.List;

/**
 * How a manifest was split, one segment per scan step ({@code jobs/parts/<jobId>/index-<first chunk>.json}):
 * byte range and line range of every chunk of the segment; {@code lines} counts the segment's lines.
 * Assembly walks the segments to emit exactly one output line per manifest line.
 */
public record ChunkIndex(String manifest, long lines, List<Chunk> chunks) {
    public ChunkIndex {
        chunks = List.copyOf(chunks);
    }

    /** One chunk: bytes {@code [startByte, endByte)} holding lines {@code [firstLine, firstLine+lines)}. */
    public record Chunk(int index, long startByte, long endByte, long firstLine, long lines) {}

    /** The segment whose first chunk is {@code firstChunk}. */
    public static String segmentKey(String jobId, int firstChunk) {
        return BucketLayout.JOBS_PARTS + jobId + "/index-" + String.format("%06d", firstChunk) + ".json";
    }

    /** The single index of a job scanned before scans went in segments (read by assembly only). */
    public static String key(String jobId) {
        return BucketLayout.JOBS_PARTS + jobId + "/index.json";
    }
}
