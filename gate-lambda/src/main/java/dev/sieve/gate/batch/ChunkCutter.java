package dev.sieve.gate.batch;

import dev.sieve.contract.ChunkIndex;
import dev.sieve.contract.ChunkLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a stream of manifest bytes into chunks at line ends, each at most {@link ChunkLimits#lines()}
 * lines and {@link ChunkLimits#bytes()} bytes (a longer single line is a chunk alone). Only newlines are
 * counted; the lines are parsed later, chunk by chunk. Deterministic: the same bytes from the same start
 * give the same chunks, which is what lets an interrupted scan be redone.
 */
final class ChunkCutter {
    private final ChunkLimits limits;
    private final List<ChunkIndex.Chunk> closed = new ArrayList<>();
    private int nextIndex;
    private long position;
    private long chunkStart;
    private long chunkFirstLine;
    private long chunkLines;
    private long lastLineEnd;
    private boolean lineOpen;

    /** Starts at byte {@code startByte}, which begins line {@code firstLine} and chunk {@code firstChunk}. */
    ChunkCutter(ChunkLimits limits, long startByte, long firstLine, int firstChunk) {
        this.limits = limits;
        this.position = startByte;
        this.chunkStart = startByte;
        this.lastLineEnd = startByte;
        this.chunkFirstLine = firstLine;
        this.nextIndex = firstChunk;
    }

    void accept(byte[] buffer, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            position++;
            if (chunkLines > 0 && position - chunkStart > limits.bytes()) {
                close(lastLineEnd); // this byte would make the chunk too large: the chunk ends before its line
            }
            if (buffer[i] == '\n') {
                lineOpen = false;
                chunkLines++;
                lastLineEnd = position;
                if (chunkLines == limits.lines() || position - chunkStart >= limits.bytes()) {
                    close(position);
                }
            } else {
                lineOpen = true;
            }
        }
    }

    /** End of the manifest: the open chunk (and an unterminated last line) closes. */
    void finish() {
        if (lineOpen) {
            chunkLines++;
            lineOpen = false;
            lastLineEnd = position;
        }
        if (chunkLines > 0) {
            close(position);
        }
    }

    /** Chunks closed so far, in order. */
    List<ChunkIndex.Chunk> closed() {
        return closed;
    }

    private void close(long end) {
        closed.add(new ChunkIndex.Chunk(nextIndex++, chunkStart, end, chunkFirstLine, chunkLines));
        chunkFirstLine += chunkLines;
        chunkLines = 0;
        chunkStart = end;
    }
}
