package dev.sieve.models.expert.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
    @TempDir
    Path directory;

    @Test
    void read_afterWrite_returnsTheSameFloats() {
        EmbeddingCache cache = new EmbeddingCache(directory);
        String key = EmbeddingCache.key("MINILM_L6", 256, 64, List.of("a", "b"));

        cache.write(key, List.of(new float[] {1f, -2.5f}, new float[] {Float.MIN_VALUE, 3f}));

        assertThat(cache.read(key)).hasValueSatisfying(rows -> {
            assertThat(rows.get(0)).containsExactly(1f, -2.5f);
            assertThat(rows.get(1)).containsExactly(Float.MIN_VALUE, 3f);
        });
    }

    @Test
    void key_whenAnythingChanges_differs() {
        String base = EmbeddingCache.key("MINILM_L6", 256, 64, List.of("a", "b"));

        assertThat(EmbeddingCache.key("MINILM_L6", 256, 64, List.of("ab"))).isNotEqualTo(base);
        assertThat(EmbeddingCache.key("MINILM_L6", 256, 0, List.of("a", "b"))).isNotEqualTo(base);
        assertThat(EmbeddingCache.key("BGE_SMALL", 256, 64, List.of("a", "b"))).isNotEqualTo(base);
        assertThat(EmbeddingCache.key("MINILM_L6", 256, 64, List.of("a", "b"))).isEqualTo(base);
    }

    @Test
    void read_whenMissing_isEmpty() {
        assertThat(new EmbeddingCache(directory).read("nothing")).isEmpty();
    }
}
