package dev.sieve.models.expert.experiment;

import dev.sieve.shared.corpus.LabeledText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Experiment-only stand-in for the gate (the real one is the gate engineer's): hashed word 1-2-gram
 * TF-IDF + binary logistic regression trained by SGD. Not shipped.
 */
final class StandInGate {
    private static final int BUCKETS = 1 << 18;

    private final double[] idf = new double[BUCKETS];
    private final double[] weights = new double[BUCKETS];
    private double bias;
    private final String positive;

    private StandInGate(String positive) {
        this.positive = positive;
    }

    static StandInGate train(List<LabeledText> train, String positive) {
        StandInGate gate = new StandInGate(positive);
        int[] documentFrequency = new int[BUCKETS];
        List<Map<Integer, Double>> counts = new ArrayList<>();
        for (LabeledText item : train) {
            Map<Integer, Double> tf = termCounts(item.text());
            tf.keySet().forEach(k -> documentFrequency[k]++);
            counts.add(tf);
        }
        for (int k = 0; k < BUCKETS; k++) {
            gate.idf[k] = Math.log((1.0 + train.size()) / (1.0 + documentFrequency[k])) + 1;
        }
        List<Map<Integer, Double>> vectors = counts.stream().map(gate::weigh).toList();
        Random random = new Random(7);
        int[] order = java.util.stream.IntStream.range(0, train.size()).toArray();
        double l2 = 1e-6;
        int step = 0;
        for (int epoch = 0; epoch < 15; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i : order) {
                double rate = 0.5 / (1 + 1e-4 * step++);
                Map<Integer, Double> x = vectors.get(i);
                double p = gate.probability(x);
                double y = train.get(i).label().equals(positive) ? 1 : 0;
                double error = p - y;
                for (Map.Entry<Integer, Double> e : x.entrySet()) {
                    int k = e.getKey();
                    gate.weights[k] -= rate * (error * e.getValue() + l2 * gate.weights[k]);
                }
                gate.bias -= rate * error;
            }
        }
        return gate;
    }

    /** Probabilities in the order of {@code labels} (binary). */
    List<float[]> probabilities(List<LabeledText> items, List<String> labels) {
        int positiveIndex = labels.indexOf(positive);
        List<float[]> out = new ArrayList<>();
        for (LabeledText item : items) {
            float p = (float) probability(weigh(termCounts(item.text())));
            float[] row = new float[2];
            row[positiveIndex] = p;
            row[1 - positiveIndex] = 1 - p;
            out.add(row);
        }
        return out;
    }

    private double probability(Map<Integer, Double> x) {
        double s = bias;
        for (Map.Entry<Integer, Double> e : x.entrySet()) {
            s += weights[e.getKey()] * e.getValue();
        }
        return 1 / (1 + Math.exp(-s));
    }

    private Map<Integer, Double> weigh(Map<Integer, Double> counts) {
        Map<Integer, Double> v = new HashMap<>();
        double norm = 0;
        for (Map.Entry<Integer, Double> e : counts.entrySet()) {
            double w = Math.log1p(e.getValue()) * idf[e.getKey()];
            v.put(e.getKey(), w);
            norm += w * w;
        }
        double n = Math.sqrt(norm);
        if (n > 0) {
            v.replaceAll((k, w) -> w / n);
        }
        return v;
    }

    private static Map<Integer, Double> termCounts(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}$!]+");
        Map<Integer, Double> counts = new HashMap<>();
        String previous = null;
        for (String word : words) {
            if (word.isEmpty()) {
                continue;
            }
            counts.merge(Math.floorMod(word.hashCode(), BUCKETS), 1.0, Double::sum);
            if (previous != null) {
                counts.merge(Math.floorMod((previous + " " + word).hashCode() * 31 + 7, BUCKETS), 1.0, Double::sum);
            }
            previous = word;
        }
        return counts;
    }
}
