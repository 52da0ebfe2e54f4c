package dev.sieve.gate.model;

import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the gate's parts from a verified {@link ModelBundle}. */
public final class GateModels {
    /** File names the gate's components have in bundles Sieve writes. */
    public static final String GATE_FILE = "gate.bin";

    public static final String THRESHOLDS_FILE = "thresholds.json";

    private GateModels() {}

    /** The bundle's gate scorer; fails with a clear message when it is missing or does not match the labels. */
    public static GateScorer load(ModelBundle bundle) {
        Path file = bundle.requireComponent(BundleManifest.GATE);
        LinearGateModel model;
        try {
            model = LinearGateModel.load(file);
        } catch (GateModelException e) {
            throw new BundleException("bundle " + bundle.directory() + ": " + e.getMessage(), e);
        }
        if (!model.labels().equals(bundle.labels())) {
            throw new BundleException("bundle " + bundle.directory() + ": the gate's labels " + model.labels()
                    + " differ from the manifest's " + bundle.labels());
        }
        return model;
    }

    /** The bundle's calibrated thresholds. */
    public static GateThresholds thresholds(ModelBundle bundle) {
        return readThresholds(bundle.requireComponent(BundleManifest.THRESHOLDS));
    }

    public static GateThresholds readThresholds(Path file) {
        try {
            return Json.read(Files.readAllBytes(file), GateThresholds.class);
        } catch (IOException e) {
            throw new BundleException("cannot read thresholds " + file + ": " + e.getMessage(), e);
        } catch (Json.JsonFormatException | IllegalArgumentException e) {
            throw new BundleException("thresholds " + file + " are not valid: " + e.getMessage(), e);
        }
    }

    public static void writeThresholds(Path file, GateThresholds thresholds) {
        try {
            Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(thresholds));
        } catch (IOException e) {
            throw new BundleException("cannot write thresholds " + file + ": " + e.getMessage(), e);
        }
    }
}
