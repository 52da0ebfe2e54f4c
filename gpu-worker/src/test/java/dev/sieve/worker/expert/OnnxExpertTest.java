package dev.sieve.worker.expert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OnnxExpertTest {
    @Test
    void softmaxInPlace_whenLogitsAreLarge_givesFiniteProbabilitiesThatSumToOne() {
        float[] row = {1000f, 998f, -5f};

        OnnxExpert.softmaxInPlace(row);

        assertThat(row[0] + row[1] + row[2]).isCloseTo(1f, within(1e-6f));
        assertThat(row[0]).isCloseTo(0.8808f, within(1e-4f));
        assertThat(row[2]).isBetween(0f, 1e-6f);
    }
}
