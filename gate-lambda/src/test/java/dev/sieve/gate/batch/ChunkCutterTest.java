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
}
