package dev.sieve.gate.model;

import java.util.Arrays;
import java.util.Locale;

/** Which hashed terms the gate's featurizer counts. */
public enum FeatureMode {
    /** Word uni- and bigrams. */
    WORDS("hashed word 1-2 grams"),
    /** Character 2-5 grams inside word boundaries (scikit-learn's {@code analyzer="char_wb"}). */
    CHARS("hashed char_wb 2-5 grams"),
    /** Both, in one bucket space and one L2-normalized vector. */
    BOTH("hashed word 1-2 grams + char_wb 2-5 grams");

    private final String description;

    FeatureMode(String description) {
        this.description = description;
    }

    /** A short human description of the terms counted. */
    public String description() {
        return description;
    }

    boolean words() {
        return this != CHARS;
    }

    boolean chars() {
        return this != WORDS;
    }

    /** The mode named {@code name} (any case); a clear error naming the choices otherwise. */
    public static FeatureMode parse(String name) {
        for (FeatureMode mode : values()) {
            if (mode.name().equalsIgnoreCase(name.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("feature mode must be one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ", was '" + name + "'");
    }
}
