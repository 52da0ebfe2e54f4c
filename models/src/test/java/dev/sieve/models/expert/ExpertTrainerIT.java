package dev.sieve.models.expert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.expert.OnnxExpert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole expert on the real MiniLM encoder: train on generated texts, bundle, reopen, predict. */
class OnnxExpertIT {
    private static final List<String> LABELS = List.of("ham", "spam");
    /** Encoder copies survive between runs here (they are 23-90 MB). */
    private static final Path CACHE = Path.of("target", "expert-it-cache");

    @TempDir
    static Path bundleDir;

    private static ModelBundle bundle;
    private static ExpertTrainer.TrainedExpert trained;
    private static OnnxExpert expert;
    private static List<LabeledText> validation;

    @BeforeAll
    static void trainAndOpen() {
        Random random = new Random(5);
        List<LabeledText> train = texts(40, random, "t");
        validation = texts(20, random, "v");
        ExpertTrainer.Options options = ExpertTrainer.Options.defaults()
                .withTokens(64, 16)
                .withCacheDir(CACHE)
                .withProgress(ProgressListener.silent());
        trained = ExpertTrainer.create(options)
                .train(train, gate(train, random), validation, gate(validation, random), LABELS, bundleDir);
        bundle = ModelBundle.write(
                bundleDir, LABELS, trained.components(), trained.spec(), Map.of("expert", trained.metadata()));
        expert = OnnxExpert.open(ModelBundle.open(bundleDir), OnnxExpert.Options.cpu(2));
    }

    @AfterAll
    static void close() {
        if (expert != null) {
            expert.close();
        }
    }

    @Test
    void train_writesExpertInt8AndTokenizerAndAGraphThatMatchesTheJavaHead() {
        assertThat(trained.components())
                .containsOnlyKeys(BundleManifest.EXPERT, BundleManifest.EXPERT_INT8, BundleManifest.TOKENIZER);
        assertThat((Double) trained.metadata().get("max_abs_diff")).isLessThan(1e-4);
        assertThat(trained.metadata()).containsEntry("encoder", "MINILM_L6").containsEntry("max_tokens", 64);
    }

    @Test
    void predict_returnsProbabilitiesThatSumToOneAndSeparateTheClasses() throws Exception {
        List<ExpertInput> inputs = new ArrayList<>();
        for (LabeledText item : validation) {
            inputs.add(expert.prepare(item.text(), new float[] {0.5f, 0.5f}));
        }

        float[][] probabilities = expert.predict(inputs);

        int correct = 0;
        for (int i = 0; i < probabilities.length; i++) {
            assertThat(probabilities[i][0] + probabilities[i][1]).isCloseTo(1f, within(1e-5f));
            int predicted = probabilities[i][1] > probabilities[i][0] ? 1 : 0;
            correct += LABELS.get(predicted).equals(validation.get(i).label()) ? 1 : 0;
        }
        assertThat(correct).isGreaterThanOrEqualTo(16);
        assertThat(expert.usesGate()).isTrue();
        assertThat(expert.labels()).isEqualTo(LABELS);
    }

    @Test
    void predict_whenBatchedWithLongerItems_equalsOneByOne() throws Exception {
        List<ExpertInput> inputs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inputs.add(expert.prepare(validation.get(i).text() + " extra words".repeat(i * 3), null));
        }

        float[][] batched = expert.predict(inputs);

        for (int i = 0; i < inputs.size(); i++) {
            float[] alone = expert.predict(List.of(inputs.get(i)))[0];
            assertThat(batched[i]).containsExactly(alone, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void prepare_whenTextIsEmptyOrTenMegabytes_givesScorableInputs() throws Exception {
        ExpertInput empty = expert.prepare("", null);
        ExpertInput huge = expert.prepare("free money now ".repeat(700_000), null);

        float[][] probabilities = expert.predict(List.of(empty, huge));

        assertThat(empty.tokens()).isEqualTo(2);
        assertThat(huge.tokens()).isEqualTo(expert.maxTokens());
        assertThat(probabilities[0][0] + probabilities[0][1]).isCloseTo(1f, within(1e-5f));
        assertThat(probabilities[1][0]).isBetween(0f, 1f);
    }

    @Test
    void prepare_whenGateHasWrongWidth_explains() {
        assertThatThrownBy(() -> expert.prepare("hi", new float[] {1f}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateProbabilities has 1 values but the expert has 2 labels");
    }

    @Test
    void train_whenInt8_quantizesTheTrainedGraphsEncoderAndKeepsTheHeadFp32() {
        @SuppressWarnings("unchecked")
        Map<String, Object> int8 = (Map<String, Object>) trained.metadata().get("int8");

        // MiniLM-L6: 6 layers × (Q, K, V, attention output, intermediate, output); the head stays fp32
        assertThat(int8).containsEntry("quantized_matmuls", 36).containsEntry("kept_fp32_matmuls", 1);
        assertThat((Double) int8.get("max_abs_diff_vs_fp32")).isLessThan(0.1);
        assertThat((Double) int8.get("agreement_vs_fp32")).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void open_whenInt8_scoresLikeFp32() throws Exception {
        try (OnnxExpert int8 = OnnxExpert.open(bundle, OnnxExpert.Options.cpu(1).withInt8(true))) {
            List<ExpertInput> inputs = new ArrayList<>();
            for (LabeledText item : validation) {
                inputs.add(int8.prepare(item.text(), new float[] {0.5f, 0.5f}));
            }
            float[][] quantized = int8.predict(inputs);
            float[][] full = expert.predict(inputs);
            int agree = 0;
            for (int i = 0; i < inputs.size(); i++) {
                agree += (quantized[i][1] > 0.5f) == (full[i][1] > 0.5f) ? 1 : 0;
                assertThat(quantized[i][1]).isCloseTo(full[i][1], within(0.1f));
            }
            assertThat(agree).isGreaterThanOrEqualTo(19);
        }
    }

    @Test
    void train_whenUsersOwnEncoderExport_writesAnInt8ExpertToo(@TempDir Path userBundle) {
        Random random = new Random(9);
        List<LabeledText> train = texts(12, random, "u");
        List<LabeledText> valid = texts(6, random, "w");
        Path cache = CACHE.toAbsolutePath();
        // a user's encoder-only export: no int8 twin ships with it
        Encoder own = Encoder.fromFiles(
                Encoder.MINILM_L6.onnxFile(cache), Encoder.MINILM_L6.tokenizerFile(cache), Encoder.Pooling.MEAN_L2);
        ExpertTrainer.Options options = ExpertTrainer.Options.defaults()
                .withEncoder(own)
                .withTokens(32, 0)
                .withCacheDir(CACHE)
                .withProgress(ProgressListener.silent());

        ExpertTrainer.TrainedExpert user = ExpertTrainer.create(options)
                .train(train, gate(train, random), valid, gate(valid, random), LABELS, userBundle);

        assertThat(user.components()).containsKey(BundleManifest.EXPERT_INT8);
        assertThat(userBundle.resolve(user.components().get(BundleManifest.EXPERT_INT8)))
                .isRegularFile();
        assertThat(user.metadata().get("int8").toString()).contains("quantized_matmuls=36");
    }

    @Test
    void open_whenCudaIsRequestedWithoutTheGpuRuntime_saysWhatToInstall() {
        assertThatThrownBy(() -> OnnxExpert.open(bundle, new OnnxExpert.Options("cuda:0", 1, false)))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("onnxruntime_gpu");
    }

    @Test
    void options_whenDeviceIsUnknown_listsTheAllowedForms() {
        assertThatThrownBy(() -> new OnnxExpert.Options("gpu", 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cpu' or 'cuda:N'");
    }

    @Test
    void open_whenBundleHasNoExpert_namesTheMissingRole(@TempDir Path empty) throws Exception {
        java.nio.file.Files.writeString(empty.resolve("gate.bin"), "x");
        ModelBundle gateOnly = ModelBundle.write(empty, LABELS, Map.of(BundleManifest.GATE, "gate.bin"), Map.of());

        assertThatThrownBy(() -> OnnxExpert.open(gateOnly, OnnxExpert.Options.cpu(1)))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("'expert'");
    }

    private static final String[] SPAM = {"win", "free", "cash", "prize", "offer", "click", "viagra", "unsubscribe"};
    private static final String[] HAM = {"meeting", "patch", "kernel", "lunch", "review", "thanks", "build", "report"};

    private static List<LabeledText> texts(int n, Random random, String prefix) {
        List<LabeledText> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean spam = i % 2 == 0;
            String[] words = spam ? SPAM : HAM;
            StringBuilder text = new StringBuilder(spam ? "Dear friend, " : "Hi team, ");
            for (int w = 0; w < 8 + random.nextInt(10); w++) {
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            items.add(new LabeledText(prefix + i, text.toString(), spam ? "spam" : "ham"));
        }
        return items;
    }

    /** A noisy gate: right about 80 % of the time. */
    private static List<float[]> gate(List<LabeledText> items, Random random) {
        List<float[]> gate = new ArrayList<>();
        for (LabeledText item : items) {
            boolean right = random.nextDouble() < 0.8;
            float spam = (item.label().equals("spam") == right) ? 0.7f : 0.3f;
            gate.add(new float[] {1 - spam, spam});
        }
        return gate;
    }
}
