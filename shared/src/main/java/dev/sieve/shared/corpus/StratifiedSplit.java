package dev.sieve.shared.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Deterministic stratified split: every label keeps its share in train, validation and test, and
 * the same examples with the same seed always give the same split, whatever their input order.
 */
public final class StratifiedSplit {
    /** The seed Sieve uses unless told otherwise. */
    public static final long DEFAULT_SEED = 42L;

    private StratifiedSplit() {}

    /**
     * Splits {@code examples}: per label, a fraction {@code trainFraction} goes to train,
     * {@code validationFraction} to validation and the rest to test. Each label with at least three
     * examples gets at least one in every split.
     */
    public static Dataset split(
            List<LabeledText> examples, double trainFraction, double validationFraction, long seed) {
        if (trainFraction <= 0 || validationFraction < 0 || trainFraction + validationFraction >= 1) {
            throw new IllegalArgumentException("split fractions must satisfy 0 < train, 0 <= validation and"
                    + " train + validation < 1; were " + trainFraction + " and " + validationFraction);
        }
        Map<String, List<LabeledText>> byLabel = new TreeMap<>();
        for (LabeledText example : examples) {
            byLabel.computeIfAbsent(example.label(), label -> new ArrayList<>()).add(example);
        }
        List<LabeledText> train = new ArrayList<>();
        List<LabeledText> validation = new ArrayList<>();
        List<LabeledText> test = new ArrayList<>();
        for (Map.Entry<String, List<LabeledText>> entry : byLabel.entrySet()) {
            List<LabeledText> group = entry.getValue();
            group.sort(Comparator.comparing(LabeledText::id));
            Collections.shuffle(group, new Random(seed ^ entry.getKey().hashCode()));
            int n = group.size();
            int validationCount = (int) Math.round(n * validationFraction);
            int testCount = (int) Math.round(n * (1 - trainFraction - validationFraction));
            if (n >= 3) {
                validationCount = Math.max(1, validationCount);
                testCount = Math.max(1, testCount);
            }
            int trainCount = Math.max(n - validationCount - testCount, Math.min(n, 1));
            validationCount = Math.min(validationCount, n - trainCount);
            train.addAll(group.subList(0, trainCount));
            validation.addAll(group.subList(trainCount, trainCount + validationCount));
            test.addAll(group.subList(trainCount + validationCount, n));
        }
        Random random = new Random(seed);
        Collections.shuffle(train, random);
        Collections.shuffle(validation, random);
        Collections.shuffle(test, random);
        return new Dataset(train, validation, test);
    }
}
