package dev.sieve.cli.models;

import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.models.calibration.Calibrator;
import dev.sieve.models.calibration.Cascade;
import dev.sieve.models.calibration.Headline;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.Dataset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sieve calibrate}: re-chooses the gate thresholds of a bundle on its validation split. */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        description = {
            "Chooses per-class gate thresholds on the bundle's validation split and rewrites thresholds.json"
                    + " and the manifest.",
            "The thresholds are a point of the routing-rate -> blended-F1 frontier traced on validation"
                    + " (escalated items answered by the bundle's expert, or by the gate if it has none).",
            "Default: the shared confidence cut with the most net corrections on validation (expert right and gate"
                    + " wrong, less the reverse), or a class's own best cut when it routes more; less only when that gains"
                    + " > 2 sd.",
            "--expert-rate R: a cap: the best blended F1 escalating at most a fraction R of items.",
            "--target-f1 F / --target-precision P: the least escalation whose blended validation score reaches the"
                    + " target, else the best point."
        })
public final class CalibrateCommand extends ModelCommand {

    @Mixin
    BundleOptions bundleOptions;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    static final class Target {
        @Option(
                names = "--expert-rate",
                paramLabel = "R",
                description = "Fraction of items to escalate at most (a cap).")
        Double expertRate;

        @Option(names = "--target-f1", paramLabel = "F", description = "Blended validation F1 to reach.")
        Double targetF1;

        @Option(names = "--target-precision", paramLabel = "P", description = "Blended validation precision to reach.")
        Double targetPrecision;
    }

    @Option(
            names = "--positive-label",
            defaultValue = "spam",
            description = "Positive class for binary scores (default: ${DEFAULT-VALUE}).")
    String positiveLabel;

    @Override
    protected int execute() throws Exception {
        ModelBundle bundle = openBundle(bundleOptions);
        GateScorer gate = GateModels.load(bundle);
        TrainingData trainingData =
                TrainingData.forBundle(bundle.manifest().metadata(), bundleOptions.data(), cacheDir());
        Dataset dataset = trainingData.splitLike(bundle.manifest().metadata());
        List<String> labels = bundle.labels();
        float[][] gateProbabilities = GateRuns.score(gate, dataset.validation());
        int[] expertPredictions = ExpertStage.crossFittedValidation(
                bundle.manifest().metadata(), dataset.validation().size());
        Optional<ExpertStage.Runner> expert = expertPredictions != null
                ? Optional.empty()
                : ExpertStage.create().open(bundle, false, 2);
        if (expert.isPresent()) {
            try (ExpertStage.Runner runner = expert.get()) {
                progress("expert: scoring " + dataset.validation().size() + " validation items ...");
                expertPredictions =
                        Cascade.argmax(runner.predict(GateRuns.texts(dataset.validation()), gateProbabilities, 8));
            }
        }
        Calibrator.Validation validation = new Calibrator.Validation(
                labels,
                GateRuns.truth(dataset.validation(), labels),
                gateProbabilities,
                expertPredictions,
                Headline.of(labels, positiveLabel));
        GateThresholds thresholds;
        if (target == null) {
            thresholds = Calibrator.forCorrections(validation);
        } else if (target.expertRate != null) {
            thresholds = Calibrator.forExpertRate(validation, target.expertRate);
        } else if (target.targetF1 != null) {
            thresholds = Calibrator.forTarget(validation, Calibrator.Target.F1, target.targetF1);
        } else {
            thresholds = Calibrator.forTarget(validation, Calibrator.Target.PRECISION, target.targetPrecision);
        }
        GateModels.writeThresholds(bundle.directory().resolve(GateModels.THRESHOLDS_FILE), thresholds);
        Map<String, String> components = new LinkedHashMap<>(bundle.manifest().components());
        components.put(BundleManifest.THRESHOLDS, GateModels.THRESHOLDS_FILE);
        ModelBundle rewritten = bundle.rewrite(components, bundle.manifest().metadata());
        out().println("thresholds: " + thresholds.thresholds() + " " + thresholds.calibration());
        out().println("bundle: " + rewritten.directory() + " (version " + rewritten.version() + ")");
        out().flush();
        return 0;
    }
}
