package dev.sieve.contract;

import dev.sieve.shared.result.BucketLayout;
import java.util.List;

/**
 * How a manifest was split ({@code jobs/parts/<jobId>/index.json}): byte range and line range of every
 * chunk. Assembly walks it to emit exactly one output line per manifest line.
 */
public record ChunkIndex(String manifest, long lines, List<Chunk> chunks) {
    public ChunkIndex {
        chunks = List.copyOf(chunks);
    }

    /** One chunk: bytes {@code [startByte, endByte)} holding lines {@code [firstLine, firstLine+lines)}. */
    public record Chunk(int index, long startByte, long endByte, long firstLine, long lines) {}

    public static String key(String jobId) {
        return BucketLayout.JOBS_PARTS + jobId + "/index.json";
    }
}
