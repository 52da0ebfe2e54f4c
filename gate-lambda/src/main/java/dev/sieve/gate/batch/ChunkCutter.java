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

    /**
     * Takes the next bytes of the manifest. Runs of bytes between newlines are skipped as a whole (a scan
     * reads every byte of the manifest, so this loop is the scan's CPU): within a run only the chunk's byte
     * limit can close a chunk, and at most once, since a close leaves the open chunk with no whole line.
     */
    void accept(byte[] buffer, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int newline = i;
            while (newline < end && buffer[newline] != '\n') {
                newline++;
            }
            int run = newline - i;
            if (run > 0) {
                if (chunkLines > 0 && position + run - chunkStart > limits.bytes()) {
                    close(lastLineEnd); // a byte of this run would make the chunk too large: it ends before its line
                }
                position += run;
                lineOpen = true;
            }
            if (newline == end) {
                return;
            }
            position++;
            if (chunkLines > 0 && position - chunkStart > limits.bytes()) {
                close(lastLineEnd);
            }
            lineOpen = false;
            chunkLines++;
            lastLineEnd = position;
            if (chunkLines == limits.lines() || position - chunkStart >= limits.bytes()) {
                close(position);
            }
            i = newline + 1;
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
