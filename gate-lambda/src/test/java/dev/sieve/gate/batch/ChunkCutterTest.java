package dev.sieve.gate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.contract.ChunkIndex;
import dev.sieve.contract.ChunkLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCutterTest {

    private static List<ChunkIndex.Chunk> cut(String manifest, ChunkLimits limits) {
        ChunkCutter cutter = new ChunkCutter(limits, 0, 0, 0);
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        // feed in odd slices: the cut must not depend on how the stream is buffered
        for (int from = 0; from < bytes.length; from += 3) {
            cutter.accept(bytes, from, Math.min(3, bytes.length - from));
        }
        cutter.finish();
        return cutter.closed();
    }

    @Test
    void cut_whenLinesAreSmall_cutsByLineCount() {
        List<ChunkIndex.Chunk> chunks = cut("a\nb\nc\nd\ne\n", new ChunkLimits(2, 1000));

        assertThat(chunks)
                .containsExactly(
                        new ChunkIndex.Chunk(0, 0, 4, 0, 2),
                        new ChunkIndex.Chunk(1, 4, 8, 2, 2),
                        new ChunkIndex.Chunk(2, 8, 10, 4, 1));
    }

    @Test
    void cut_whenLinesAreLarge_noChunkExceedsTheByteLimit() {
        String big = "x".repeat(40) + "\n"; // 41 bytes a line
        List<ChunkIndex.Chunk> chunks = cut(big.repeat(10), new ChunkLimits(1000, 100));

        assertThat(chunks).hasSize(5);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.endByte() - c.startByte()).isLessThanOrEqualTo(100);
            assertThat(c.lines()).isEqualTo(2);
        });
        assertThat(chunks.get(4).endByte()).isEqualTo(410);
        assertThat(chunks.get(4).firstLine()).isEqualTo(8);
    }

    @Test
    void cut_whenOneLineIsLongerThanTheLimit_itIsAChunkAlone() {
        List<ChunkIndex.Chunk> chunks = cut("a\n" + "y".repeat(50) + "\nb", new ChunkLimits(1000, 10));

        assertThat(chunks)
                .containsExactly(
                        new ChunkIndex.Chunk(0, 0, 2, 0, 1),
                        new ChunkIndex.Chunk(1, 2, 53, 1, 1),
                        new ChunkIndex.Chunk(2, 53, 54, 2, 1));
    }

    @Test
    void cut_whenStartedMidManifest_numbersFromWhereItStarts() {
        ChunkCutter cutter = new ChunkCutter(new ChunkLimits(1, 100), 500, 40, 7);
        byte[] bytes = "a\nb\n".getBytes(StandardCharsets.UTF_8);
        cutter.accept(bytes, 0, bytes.length);

        assertThat(cutter.closed())
                .containsExactly(new ChunkIndex.Chunk(7, 500, 502, 40, 1), new ChunkIndex.Chunk(8, 502, 504, 41, 1));
    }

    /** The cutter as it was written first, one byte at a time: the reference the run-skipping loop must match. */
    private static List<ChunkIndex.Chunk> cutByteByByte(byte[] bytes, ChunkLimits limits) {
        List<ChunkIndex.Chunk> closed = new java.util.ArrayList<>();
        long position = 0;
        long chunkStart = 0;
        long chunkFirstLine = 0;
        long chunkLines = 0;
        long lastLineEnd = 0;
        boolean lineOpen = false;
        for (byte b : bytes) {
            position++;
            if (chunkLines > 0 && position - chunkStart > limits.bytes()) {
                closed.add(new ChunkIndex.Chunk(closed.size(), chunkStart, lastLineEnd, chunkFirstLine, chunkLines));
                chunkFirstLine += chunkLines;
                chunkLines = 0;
                chunkStart = lastLineEnd;
            }
            if (b == '\n') {
                lineOpen = false;
                chunkLines++;
                lastLineEnd = position;
                if (chunkLines == limits.lines() || position - chunkStart >= limits.bytes()) {
                    closed.add(new ChunkIndex.Chunk(closed.size(), chunkStart, position, chunkFirstLine, chunkLines));
                    chunkFirstLine += chunkLines;
                    chunkLines = 0;
                    chunkStart = position;
                }
            } else {
                lineOpen = true;
            }
        }
        if (lineOpen) {
            chunkLines++;
        }
        if (chunkLines > 0) {
            closed.add(new ChunkIndex.Chunk(closed.size(), chunkStart, position, chunkFirstLine, chunkLines));
        }
        return closed;
    }

    @Test
    void cut_whenRandomManifestsAndSlices_matchesTheByteByByteCut() {
        java.util.Random random = new java.util.Random(13);
        for (int round = 0; round < 2000; round++) {
            int size = random.nextInt(400);
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = random.nextInt(6) == 0 ? (byte) '\n' : (byte) ('a' + random.nextInt(3));
            }
            ChunkLimits limits = new ChunkLimits(1 + random.nextInt(6), 1 + random.nextInt(40));
            ChunkCutter cutter = new ChunkCutter(limits, 0, 0, 0);
            for (int from = 0; from < size; ) {
                int slice = Math.min(size - from, 1 + random.nextInt(50));
                cutter.accept(bytes, from, slice);
                from += slice;
            }
            cutter.finish();

            assertThat(cutter.closed()).as("round " + round).isEqualTo(cutByteByByte(bytes, limits));
        }
    }
}
