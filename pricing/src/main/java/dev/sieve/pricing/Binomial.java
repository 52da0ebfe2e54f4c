package dev.sieve.pricing;

import java.util.function.IntToDoubleFunction;

/** Expectations over the number of escalated items in a group: K ~ Binomial(n, p). */
final class Binomial {

    private Binomial() {}

    /** E[f(K)] for K ~ Binomial(n, p); the tail beyond the mean with probability below 1e-18 is dropped. */
    static double expect(int n, double p, IntToDoubleFunction f) {
        if (p <= 0) {
            return f.applyAsDouble(0);
        }
        if (p >= 1) {
            return f.applyAsDouble(n);
        }
        double logOdds = Math.log(p) - Math.log1p(-p);
        double logPmf = n * Math.log1p(-p);
        double mean = n * p;
        double sum = 0;
        double mass = 0;
        for (int k = 0; k <= n; k++) {
            double pmf = Math.exp(logPmf);
            sum += pmf * f.applyAsDouble(k);
            mass += pmf;
            if (k > mean && pmf < 1e-18) {
                break;
            }
            logPmf += Math.log((double) (n - k) / (k + 1)) + logOdds;
        }
        return sum / mass;
    }
}
