package dev.sieve.gate;

import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.shared.bundle.ModelBundle;

/** Loads the gate model (scorer + calibrated thresholds) of a verified bundle. */
public final class GateLoading {
    private GateLoading() {}

    public static LoadedGate load(ModelBundle bundle) {
        return new LoadedGate(GateModels.load(bundle), GateModels.thresholds(bundle), bundle.version());
    }
}
