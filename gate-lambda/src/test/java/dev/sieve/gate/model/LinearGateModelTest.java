package dev.sieve.gate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LinearGateModelTest {
    private static final int BITS = 10;
    private static final List<String> LABELS = List.of("ham", "spam");

    private static LinearGateModel randomModel(FeatureMode mode) {
        Random random = new Random(7);
        TfidfFeaturizer featurizer = new TfidfFeaturizer(BITS, mode);
        float[] idf = new float[featurizer.buckets()];
        float[] weights = new float[featurizer.buckets() * LABELS.size()];
        for (int b = 0; b < idf.length; b++) {
            idf[b] = 1 + random.nextFloat() * 3;
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        return new LinearGateModel(LABELS, featurizer, idf, weights, new float[] {0.1f, -0.1f});
    }

    private static byte[] saved(LinearGateModel model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.save(bytes);
        return bytes.toByteArray();
    }

    /** The version-1 layout, written field by field as builds before feature modes wrote it. */
    private static byte[] version1(LinearGateModel model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(LinearGateModel.MAGIC);
            out.writeInt(1);
            out.writeInt(BITS);
            out.writeInt(TfidfFeaturizer.MAX_CHARS);
            out.writeInt(LABELS.size());
            for (String label : LABELS) {
                out.writeUTF(label);
            }
            float[] idf = model.idf();
            for (float value : idf) {
                out.writeFloat(value);
            }
            for (int b = 0; b < idf.length; b++) {
                for (int k = 0; k < LABELS.size(); k++) {
                    out.writeFloat(model.weight(b, k));
                }
            }
            out.writeFloat(0.1f);
            out.writeFloat(-0.1f);
        }
        return bytes.toByteArray();
    }

    @Test
    void load_whenFormatVersion1_readsItAsWordsWithTheSameScores() throws IOException {
        LinearGateModel words = randomModel(FeatureMode.WORDS);

        LinearGateModel loaded = LinearGateModel.load(new ByteArrayInputStream(version1(words)), "old gate.bin");

        assertThat(loaded.featurizer().mode()).isEqualTo(FeatureMode.WORDS);
        assertThat(loaded.labels()).isEqualTo(LABELS);
        for (String text : List.of("free money now", "meeting at noon tomorrow", "")) {
            assertThat(loaded.score(text)).containsExactly(words.score(text));
        }
    }

    @ParameterizedTest
    @EnumSource(FeatureMode.class)
    void saveThenLoad_keepsTheModeAndTheScores(FeatureMode mode) throws IOException {
        LinearGateModel model = randomModel(mode);

        LinearGateModel loaded = LinearGateModel.load(new ByteArrayInputStream(saved(model)), "gate.bin");

        assertThat(loaded.featurizer().mode()).isEqualTo(mode);
        assertThat(loaded.featurizer().bucketBits()).isEqualTo(BITS);
        for (String text : List.of("free money now", "Grüße, naïve café!", "a")) {
            assertThat(loaded.score(text)).containsExactly(model.score(text));
        }
    }

    @Test
    void score_whenModesDiffer_givesDifferentScores() {
        assertThat(randomModel(FeatureMode.CHARS).score("free money now"))
                .isNotEqualTo(randomModel(FeatureMode.WORDS).score("free money now"));
    }

    @Test
    void load_whenFormatVersionIsUnknown_namesTheVersions() throws IOException {
        ByteArrayOutputStream patched = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(patched))) {
            out.writeInt(LinearGateModel.MAGIC);
            out.writeInt(99);
        }

        assertThatThrownBy(() -> LinearGateModel.load(new ByteArrayInputStream(patched.toByteArray()), "x.bin"))
                .isInstanceOf(GateModelException.class)
                .hasMessageContaining("version 99")
                .hasMessageContaining("reads 1 and 2");
    }
}
