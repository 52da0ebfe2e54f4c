package dev.sieve.cli.models;

import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.models.calibration.Cascade;
import dev.sieve.models.calibration.ClassificationReport;
import dev.sieve.models.calibration.Headline;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.Dataset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sieve eval}: gate, expert and the blended cascade on the bundle's test split. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluates a bundle on its held-out test split: the gate alone, the expert alone, and the blend"
                    + " (the gate answers items above its thresholds, the expert the rest).",
            "F1 is the positive class's for binary tasks (--positive-label, default spam) and macro-F1"
                    + " otherwise (f1_kind says which)."
        })
public final class EvalCommand extends ModelCommand {
    @Mixin
    BundleOptions bundleOptions;

    @Option(names = "--json", description = "Print one JSON line instead of a table.")
    boolean json;

    @Option(
            names = "--positive-label",
            defaultValue = "spam",
            description = "Positive class for binary F1 (default: ${DEFAULT-VALUE}).")
    String positiveLabel;

    @Option(names = "--int8", description = "Evaluate the bundle's int8 expert instead of the fp32 one.")
    boolean int8;

    @Option(names = "--threads", defaultValue = "2", description = "Expert threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    protected int execute() throws Exception {
        ModelBundle bundle = openBundle(bundleOptions);
        GateScorer gate = GateModels.load(bundle);
        GateThresholds thresholds = GateModels.thresholds(bundle);
        TrainingData trainingData =
                TrainingData.forBundle(bundle.manifest().metadata(), bundleOptions.data(), cacheDir());
        Dataset dataset = trainingData.splitLike(bundle.manifest().metadata());
        List<String> labels = bundle.labels();
        Headline headline = Headline.of(labels, positiveLabel);
        int[] truth = GateRuns.truth(dataset.test(), labels);

        float[][] gateProbabilities = GateRuns.score(gate, dataset.test());
        ClassificationReport gateReport = ClassificationReport.of(labels, truth, Cascade.argmax(gateProbabilities));
        int[] expertPredictions = null;
        Optional<ExpertStage.Runner> expert = ExpertStage.create().open(bundle, int8, threads);
        if (expert.isPresent()) {
            try (ExpertStage.Runner runner = expert.get()) {
                progress("expert: scoring " + dataset.test().size() + " test items ...");
                expertPredictions =
                        Cascade.argmax(runner.predict(GateRuns.texts(dataset.test()), gateProbabilities, 8));
            }
        }
        Cascade.Outcome outcome = Cascade.run(thresholds, gateProbabilities, expertPredictions);
        ClassificationReport expertReport =
                expertPredictions == null ? null : ClassificationReport.of(labels, truth, expertPredictions);
        ClassificationReport blendedReport =
                expertPredictions == null ? null : ClassificationReport.of(labels, truth, outcome.predictions());

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle_version", bundle.version());
        result.put("items", truth.length);
        result.put("labels", labels);
        result.put("f1_kind", headline.kind());
        result.put("positive_label", headline.positiveLabel());
        result.put("expert_fraction", outcome.expertFraction());
        result.put("f1_gate_only", headline.f1(gateReport));
        result.put("f1_expert_only", expertReport == null ? null : headline.f1(expertReport));
        result.put("f1_blended", blendedReport == null ? null : headline.f1(blendedReport));
        result.put("gate_precision", headline.precision(gateReport));
        result.put("gate_recall", headline.recall(gateReport));
        result.put("expert_precision", expertReport == null ? null : headline.precision(expertReport));
        result.put("expert_recall", expertReport == null ? null : headline.recall(expertReport));
        result.put("blended_precision", blendedReport == null ? null : headline.precision(blendedReport));
        result.put("blended_recall", blendedReport == null ? null : headline.recall(blendedReport));
        result.put("accuracy_gate_only", gateReport.accuracy());
        result.put("accuracy_blended", blendedReport == null ? null : blendedReport.accuracy());
        result.put("thresholds", thresholds.thresholds());
        Map<String, Object> perClass = new LinkedHashMap<>();
        perClass.put("gate", scores(gateReport));
        perClass.put("expert", expertReport == null ? null : scores(expertReport));
        perClass.put("blended", blendedReport == null ? null : scores(blendedReport));
        result.put("per_class", perClass);

        if (json) {
            printJsonLine(result);
        } else {
            printTable(result, gateReport, expertReport, blendedReport, outcome);
        }
        out().flush();
        return 0;
    }

    private static Map<String, Object> scores(ClassificationReport report) {
        Map<String, Object> perClass = new LinkedHashMap<>();
        report.perClass().forEach((label, s) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("precision", s.precision());
            values.put("recall", s.recall());
            values.put("f1", s.f1());
            values.put("support", s.support());
            perClass.put(label, values);
        });
        return perClass;
    }

    private void printTable(
            Map<String, Object> result,
            ClassificationReport gate,
            ClassificationReport expert,
            ClassificationReport blended,
            Cascade.Outcome outcome) {
        out().printf(
                        "bundle %s, %d test items, F1 = %s%n",
                        result.get("bundle_version"),
                        (int) result.get("items"),
                        "positive_class".equals(result.get("f1_kind"))
                                ? "F1 of '" + result.get("positive_label") + "'"
                                : "macro-F1");
        out().printf("%-10s %9s %9s %9s %9s%n", "tier", "precision", "recall", "F1", "accuracy");
        row("gate", gate, result, "gate_precision", "gate_recall", "f1_gate_only");
        row("expert", expert, result, "expert_precision", "expert_recall", "f1_expert_only");
        row("blended", blended, result, "blended_precision", "blended_recall", "f1_blended");
        out().printf("expert fraction (escalated to the expert): %.3f%n", outcome.expertFraction());
        if (expert == null) {
            out().println("this bundle has no expert: expert and blended figures need one (sieve train without"
                    + " --skip-expert)");
        }
    }

    private void row(
            String tier,
            ClassificationReport report,
            Map<String, Object> result,
            String precision,
            String recall,
            String f1) {
        if (report == null) {
            out().printf("%-10s %9s %9s %9s %9s%n", tier, "-", "-", "-", "-");
            return;
        }
        out().printf(
                        "%-10s %9.4f %9.4f %9.4f %9.4f%n",
                        tier, result.get(precision), result.get(recall), result.get(f1), report.accuracy());
    }
}
