package dev.sieve.models.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sieve.models.expert.Encoder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EncoderFineTunerTest {

    @Test
    void schedule_risesLinearlyDuringWarmupThenDecaysToZero() {
        assertThat(EncoderFineTuner.schedule(1, 10, 100)).isCloseTo(0.1, within(1e-9));
        assertThat(EncoderFineTuner.schedule(10, 10, 100)).isCloseTo(1.0, within(1e-9));
        assertThat(EncoderFineTuner.schedule(11, 10, 100)).isCloseTo(1.0, within(1e-9));
        assertThat(EncoderFineTuner.schedule(100, 10, 100)).isCloseTo(1.0 / 90, within(1e-9));
        assertThat(EncoderFineTuner.schedule(1, 0, 4)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void classWeights_whenImbalanced_giveEachClassTheSameTotalWeight() {
        float[] weights = EncoderFineTuner.classWeights(new int[] {0, 0, 0, 1}, 2);

        assertThat(weights[0] * 3).isCloseTo(weights[1], within(1e-6f));
        assertThat(weights[0] * 3 + weights[1]).isCloseTo(4f, within(1e-6f));
    }

    @Test
    void options_whenInvalid_nameTheField() {
        EncoderFineTuner.Options defaults = EncoderFineTuner.Options.defaults(Path.of("work"));

        assertThatThrownBy(() -> defaults.withEpochs(0)).hasMessageContaining("epochs");
        assertThatThrownBy(() -> defaults.withTokens(64, 40)).hasMessageContaining("tailTokens");
        assertThatThrownBy(() -> defaults.withLearningRates(0, 1e-3)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> defaults.withEncoder(Encoder.MINILM_L6_INT8)).hasMessageContaining("fp32");
    }
}
