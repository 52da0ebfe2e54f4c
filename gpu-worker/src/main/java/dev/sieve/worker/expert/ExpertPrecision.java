package dev.sieve.worker.expert;

import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.config.EnvironmentVariables;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which of the bundle's expert graphs is served ({@value EnvironmentVariables#EXPERT_PRECISION}). Every
 * graph has the same inputs and outputs; only the encoder's arithmetic differs.
 */
public enum ExpertPrecision {
    /** The trained graph ({@code expert}). */
    FP32(BundleManifest.EXPERT),
    /**
     * The trained graph with its encoder's weight MatMuls dynamically quantized to int8 ({@code expert_int8},
     * written by {@code sieve train --int8}): faster on CPUs; an item's probability depends slightly on its
     * batch-mates (activations are quantized per batch).
     */
    INT8(BundleManifest.EXPERT_INT8),
    /** A half-precision graph for GPUs ({@code expert_fp16}); CUDA devices only. */
    FP16(BundleManifest.EXPERT_FP16);

    private final String component;

    ExpertPrecision(String component) {
        this.component = component;
    }

    /** The bundle component this precision serves. */
    public String component() {
        return component;
    }

    /** Lower-case name, as settings and JSON reports spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The graph file this precision serves in {@code bundle}, or a {@link BundleException} that says why
     * it cannot be served and what to use instead.
     */
    public Path graph(ModelBundle bundle, boolean cuda, String device) {
        if (this == FP16 && !cuda) {
            throw new BundleException("fp16 expert graphs run on CUDA devices only (device is " + device
                    + "); on a CPU serve int8 (fastest) or fp32");
        }
        if (bundle.component(component).isEmpty()) {
            throw new BundleException("bundle " + bundle.version() + " has no " + label() + " expert graph (component '"
                    + component + "')"
                    + switch (this) {
                        case FP16 -> "; sieve train does not write fp16 graphs yet: serve fp32 on the GPU";
                        case INT8 -> "; retrain with sieve train --int8 (any encoder) or serve fp32";
                        case FP32 -> "";
                    });
        }
        return bundle.requireComponent(component);
    }

    /**
     * Parses {@code fp32}, {@code int8} or {@code fp16} (any case).
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static ExpertPrecision parse(String value) {
        for (ExpertPrecision p : values()) {
            if (p.label().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not an expert precision; allowed "
                + Arrays.stream(values()).map(ExpertPrecision::label).toList());
    }
}
