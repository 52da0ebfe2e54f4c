package dev.sieve.models.expert.internal;

/**
 * Multinomial logistic regression on standardised dense features, trained by full-batch Adam with
 * L2 regularisation and balanced class weights. Deterministic. The returned layer works on raw
 * (unstandardised) features: the standardisation is folded into the weights and bias.
 */
public final class SoftmaxRegression {
    private SoftmaxRegression() {}

    /**
     * @param x {@code [items][features]}
     * @param y class index per item
     * @param sampleWeights per item (multiplied with the balanced class weights), or null
     * @param l2 L2 penalty on the standardised weights (not the bias)
     */
    public static DenseHead.Layer fit(
            float[][] x, int[] y, int classes, double[] sampleWeights, double l2, int iterations) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        standardisation(x, mean, scale);
        double[] weight = itemWeights(y, classes, sampleWeights);
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        double[][] w = new double[d + 1][classes]; // last row = bias
        double[][] m = new double[d + 1][classes];
        double[][] v = new double[d + 1][classes];
        double[][] grad = new double[d + 1][classes];
        double rate = 0.05;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double[] logits = new double[classes];
        for (int step = 1; step <= iterations; step++) {
            for (double[] row : grad) {
                java.util.Arrays.fill(row, 0);
            }
            for (int i = 0; i < n; i++) {
                double[] zi = z[i];
                for (int c = 0; c < classes; c++) {
                    double s = w[d][c];
                    for (int j = 0; j < d; j++) {
                        s += zi[j] * w[j][c];
                    }
                    logits[c] = s;
                }
                softmaxInPlace(logits);
                for (int c = 0; c < classes; c++) {
                    double error = weight[i] * (logits[c] - (y[i] == c ? 1 : 0));
                    if (error == 0) {
                        continue;
                    }
                    for (int j = 0; j < d; j++) {
                        grad[j][c] += error * zi[j];
                    }
                    grad[d][c] += error;
                }
            }
            double correction1 = 1 - Math.pow(beta1, step);
            double correction2 = 1 - Math.pow(beta2, step);
            for (int j = 0; j <= d; j++) {
                for (int c = 0; c < classes; c++) {
                    double g = grad[j][c] + (j < d ? l2 * w[j][c] : 0);
                    m[j][c] = beta1 * m[j][c] + (1 - beta1) * g;
                    v[j][c] = beta2 * v[j][c] + (1 - beta2) * g * g;
                    w[j][c] -= rate * (m[j][c] / correction1) / (Math.sqrt(v[j][c] / correction2) + 1e-8);
                }
            }
        }
        float[][] weights = new float[d][classes];
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            double b = w[d][c];
            for (int j = 0; j < d; j++) {
                weights[j][c] = (float) (w[j][c] / scale[j]);
                b -= w[j][c] * mean[j] / scale[j];
            }
            bias[c] = (float) b;
        }
        return new DenseHead.Layer(weights, bias);
    }

    /** Balanced class weights times the optional sample weights, normalised to a mean of 1/n (loss is a mean). */
    static double[] itemWeights(int[] y, int classes, double[] sampleWeights) {
        int n = y.length;
        double[] perClass = new double[classes];
        for (int i = 0; i < n; i++) {
            perClass[y[i]] += sampleWeights == null ? 1 : sampleWeights[i];
        }
        double[] weight = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sample = sampleWeights == null ? 1 : sampleWeights[i];
            weight[i] = sample / (classes * Math.max(perClass[y[i]], 1e-12));
            total += weight[i];
        }
        for (int i = 0; i < n; i++) {
            weight[i] /= total;
        }
        return weight;
    }

    private static void standardisation(float[][] x, double[] mean, double[] scale) {
        int n = x.length;
        int d = mean.length;
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double delta = row[j] - mean[j];
                scale[j] += delta * delta;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j] / n);
            if (scale[j] < 1e-8) {
                scale[j] = 1;
            }
        }
    }

    static void softmaxInPlace(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
        }
        for (int c = 0; c < logits.length; c++) {
            logits[c] /= sum;
        }
    }
}
