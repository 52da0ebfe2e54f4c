package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinomialTest {

    @Test
    void expect_whenIdentity_isMean() {
        assertThat(Binomial.expect(3, 0.5, k -> k)).isCloseTo(1.5, within(1e-12));
        assertThat(Binomial.expect(1000, 0.05, k -> k)).isCloseTo(50, within(1e-9));
    }

    @Test
    void expect_whenCeilOfHalf_matchesHandSum() {
        // K ~ Bin(3, 0.5): P = 1/8, 3/8, 3/8, 1/8; ceil(K/2) = 0, 1, 1, 2  =>  3/8 + 3/8 + 2/8 = 1
        assertThat(Binomial.expect(3, 0.5, k -> Math.ceil(k / 2.0))).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void expect_whenIndicatorOfAny_isOneMinusNoneProbability() {
        assertThat(Binomial.expect(100, 0.05, k -> k > 0 ? 1 : 0)).isCloseTo(1 - Math.pow(0.95, 100), within(1e-12));
    }

    @Test
    void expect_whenRateIsZeroOrOne_evaluatesTheEnds() {
        assertThat(Binomial.expect(10, 0, k -> k + 1)).isEqualTo(1);
        assertThat(Binomial.expect(10, 1, k -> k + 1)).isEqualTo(11);
    }
}
