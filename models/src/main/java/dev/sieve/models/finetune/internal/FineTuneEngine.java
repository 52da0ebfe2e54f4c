package dev.sieve.models.finetune.internal;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;

/**
 * DJL's PyTorch engine, set up to work offline: libtorch comes from the {@code pytorch-native-cpu} jar on
 * the class path (extracted once under {@code ~/.djl.ai}); nothing is downloaded and DJL does not call
 * home. Call {@link #engine()} before any other DJL use so the settings apply.
 */
public final class FineTuneEngine {
    public static final String NAME = "PyTorch";

    static {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.default_engine", NAME);
    }

    private FineTuneEngine() {}

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The engine, loaded on first use; a clear error when libtorch cannot be loaded. */
    public static Engine engine() {
        try {
            return Engine.getEngine(NAME);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot load DJL's PyTorch engine (ai.djl.pytorch:pytorch-native-cpu"
                            + " linux-x86_64 must be on the class path): " + e.getMessage(),
                    e);
        }
    }

    public static Device device() {
        return engine().defaultDevice();
    }

    /** A {@code [rows, columns]} float array as Java rows. */
    public static float[][] rows(NDArray matrix) {
        int rows = (int) matrix.getShape().get(0);
        int columns = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * columns, out[r], 0, columns);
        }
        return out;
    }
}
