package dev.sieve.models.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.models.expert.internal.ExpertGraphBuilder;
import dev.sieve.models.finetune.internal.Checkpoint;
import dev.sieve.shared.corpus.LabeledText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tunes the real MiniLM encoder on 32 generated texts (1 epoch, 32 tokens) and checks the export. */
class EncoderFineTunerIT {
    private static final List<String> LABELS = List.of("ham", "spam");

    @TempDir
    Path dir;

    @Test
    void tune_lowersTheLossAndExportsAnEncoderOnnxRuntimeAgreesWith() {
        EncoderFineTuner.Options options = tinyOptions();
        Path output = dir.resolve("tuned.onnx");

        EncoderFineTuner.Result result = EncoderFineTuner.create(options).tune(texts(), LABELS, output);

        assertThat(result.lossAfter()).isLessThan(result.lossBefore());
        assertThat(result.maxAbsDiffBefore()).isLessThan(EncoderFineTuner.MAX_ABS_DIFF);
        assertThat(result.maxAbsDiffAfter()).isLessThan(EncoderFineTuner.MAX_ABS_DIFF);
        assertThat(result.maxChangeVsOriginal()).isGreaterThan(1e-3);
        assertThat(result.steps()).isEqualTo(8);
        assertThat(result.epochLosses()).hasSize(1);
        ModelProto original = ExpertGraphBuilder.load(Encoder.MINILM_L6.onnxFile(BertModelIT.CACHE));
        ModelProto tuned = ExpertGraphBuilder.load(output);
        assertThat(names(tuned.getGraph().getInputList()))
                .isEqualTo(names(original.getGraph().getInputList()));
        assertThat(names(tuned.getGraph().getOutputList()))
                .isEqualTo(names(original.getGraph().getOutputList()));
        assertThat(tuned.getGraph().getNodeList()).isEqualTo(original.getGraph().getNodeList());
        assertThat(tuned.getSerializedSize()).isEqualTo(original.getSerializedSize());
        assertThat(tuned.getGraph().getInitializerList())
                .isNotEqualTo(original.getGraph().getInitializerList());
        assertThat(Files.isRegularFile(options.workDir().resolve(Checkpoint.FILE)))
                .isTrue();
    }

    @Test
    void tune_withResume_continuesFromTheLastCompleteEpochAndRefusesAnotherRunsCheckpoint() {
        EncoderFineTuner.Options options = tinyOptions();
        EncoderFineTuner.Result first = EncoderFineTuner.create(options).tune(texts(), LABELS, dir.resolve("one.onnx"));

        EncoderFineTuner.Result resumed =
                EncoderFineTuner.create(options.withResume(true)).tune(texts(), LABELS, dir.resolve("two.onnx"));

        assertThat(resumed.resumedFromEpoch()).isEqualTo(1);
        assertThat(resumed.steps()).isEqualTo(first.steps());
        assertThat(resumed.epochLosses()).isEqualTo(first.epochLosses());
        assertThat(resumed.lossAfter()).isCloseTo(first.lossAfter(), within(1e-5));
        assertThat(resumed.maxAbsDiffAfter()).isLessThan(EncoderFineTuner.MAX_ABS_DIFF);
        assertThatThrownBy(() -> EncoderFineTuner.create(options.withEpochs(2).withResume(true))
                        .tune(texts(), LABELS, dir.resolve("three.onnx")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint");
    }

    private EncoderFineTuner.Options tinyOptions() {
        return EncoderFineTuner.Options.defaults(dir.resolve("work"))
                .withCacheDir(BertModelIT.CACHE)
                .withTokens(32, 8)
                .withBatchSize(4)
                .withLearningRates(1e-4, 1e-2)
                .withProgress(ProgressListener.silent());
    }

    private static List<String> names(List<ValueInfoProto> values) {
        return values.stream().map(ValueInfoProto::getName).toList();
    }

    /** 24 ham and 8 spam texts (imbalanced, so the class weights matter). */
    static List<LabeledText> texts() {
        String[] ham = {"meeting", "report", "thursday", "project", "lunch", "review", "schedule", "notes"};
        String[] spam = {"free", "prize", "winner", "click", "offer", "cash", "viagra", "unsubscribe"};
        String[] shared = {"the", "and", "today", "please", "your", "about", "this", "now"};
        Random random = new Random(7);
        List<LabeledText> items = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            boolean isSpam = i % 4 == 0;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                String[] words = random.nextDouble() < 0.4 ? shared : isSpam ? spam : ham;
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            items.add(new LabeledText("t" + i, text.toString().trim(), isSpam ? "spam" : "ham"));
        }
        return items;
    }
}
