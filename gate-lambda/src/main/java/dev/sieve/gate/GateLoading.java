package dev.sieve.gate;

import dev.sieve.gate.service.LoadedGate;
import dev.sieve.shared.bundle.ModelBundle;

/** Loads the gate model (scorer + thresholds) of a verified bundle. */
public final class GateLoading {
    private GateLoading() {}

    public static LoadedGate load(ModelBundle bundle) {
        // Wired to the gate model's loader (dev.sieve.gate.model) when it lands.
        throw new UnsupportedOperationException(
                "loading the gate model from bundle " + bundle.version() + " is not available in this build yet");
    }
}
