package dev.sieve.cli.models;

import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.models.calibration.Cascade;
import dev.sieve.models.calibration.ClassificationReport;
import dev.sieve.models.calibration.Frontier;
import dev.sieve.models.calibration.Headline;
import dev.sieve.pricing.CostModel;
import dev.sieve.pricing.WorkloadProfile;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.Dataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
                    + " otherwise (f1_kind says which).",
            "Also writes the routing-rate -> blended-F1 frontier of the test split as frontier.csv and"
                    + " frontier.png (with $ per million items from the cost model) into --report-dir."
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

    @Option(
            names = "--report-dir",
            paramLabel = "DIR",
            description = "Where frontier.csv and frontier.png go (default: <bundle dir>-eval next to the bundle).")
    Path reportDir;

    @Option(
            names = "--cost-profile",
            paramLabel = "FILE",
            description = "Workload profile (JSON) for the $ per million items axis (default: the cost model's"
                    + " defaults; see sieve cost).")
    Path costProfile;

    /** How far below the expert alone the blend may be before eval says so. */
    static final double EXPERT_SHORTFALL_WARNING = 0.01;

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

        Frontier frontier = Frontier.trace(labels, truth, gateProbabilities, expertPredictions, headline);
        double chosenF1 = blendedReport == null ? headline.f1(gateReport) : headline.f1(blendedReport);
        FrontierReport frontierReport = FrontierReport.of(
                frontier,
                CostModel.withDefaults(),
                costProfile == null ? WorkloadProfile.defaults() : WorkloadProfile.load(costProfile),
                outcome.expertFraction(),
                chosenF1);
        Path reports = reportDir != null
                ? reportDir
                : bundle.directory().resolveSibling(bundle.directory().getFileName() + "-eval");
        Path csv = reports.resolve("frontier.csv");
        Path png = reports.resolve("frontier.png");
        frontierReport.writeCsv(csv);
        frontierReport.writePng(
                png,
                "Blended F1 vs routing on the test split (" + truth.length + " items, "
                        + headline.kind().replace('_', ' ') + " F1)");
        String warning = expertReport == null || chosenF1 >= headline.f1(expertReport) - EXPERT_SHORTFALL_WARNING
                ? null
                : String.format(
                        Locale.ROOT,
                        "the blend (F1 %.4f at %.1f%% routed) is %.4f below the expert alone (F1 %.4f):"
                                + " these thresholds give up quality for cost; see %s, and re-calibrate"
                                + " (sieve calibrate) if that is not the trade you want",
                        chosenF1,
                        100 * outcome.expertFraction(),
                        headline.f1(expertReport) - chosenF1,
                        headline.f1(expertReport),
                        png);

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
        perClass.put("routing", routingByClass(labels, gateProbabilities, outcome));
        result.put("per_class", perClass);
        result.put("calibration", thresholds.calibration().get("method"));
        result.put("frontier_best_f1", bestF1(frontier));
        result.put("frontier_csv", csv.toString());
        result.put("frontier_png", png.toString());
        result.put("warning", warning);

        if (json) {
            printJsonLine(result);
        } else {
            printTable(result, gateReport, expertReport, blendedReport, outcome);
        }
        out().flush();
        return 0;
    }

    private static double bestF1(Frontier frontier) {
        double best = frontier.gateOnlyF1();
        for (int i = 1; i < frontier.size(); i++) {
            best = Math.max(best, frontier.f1(i));
        }
        return best;
    }

    /** Per class the gate predicted: its items, how many were routed to the expert, and the rate. */
    private static Map<String, Object> routingByClass(
            List<String> labels, float[][] gateProbabilities, Cascade.Outcome outcome) {
        int[] items = new int[labels.size()];
        int[] routed = new int[labels.size()];
        int[] predicted = Cascade.argmax(gateProbabilities);
        for (int i = 0; i < predicted.length; i++) {
            items[predicted[i]]++;
            routed[predicted[i]] += outcome.escalated()[i] ? 1 : 0;
        }
        Map<String, Object> byClass = new LinkedHashMap<>();
        for (int k = 0; k < labels.size(); k++) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("gate_predicted", items[k]);
            values.put("routed", routed[k]);
            values.put("routing_rate", items[k] == 0 ? 0.0 : (double) routed[k] / items[k]);
            byClass.put(labels.get(k), values);
        }
        return byClass;
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
        printPerClass(result, gate, expert, blended);
        out().printf(
                        "frontier: best blended F1 on this split %.4f; written to %s and %s%n",
                        result.get("frontier_best_f1"), result.get("frontier_csv"), result.get("frontier_png"));
        if (result.get("warning") != null) {
            out().println("warning: " + result.get("warning"));
        }
        if (expert == null) {
            out().println("this bundle has no expert: expert and blended figures need one (sieve train without"
                    + " --skip-expert)");
        }
    }

    @SuppressWarnings("unchecked")
    private void printPerClass(
            Map<String, Object> result,
            ClassificationReport gate,
            ClassificationReport expert,
            ClassificationReport blended) {
        Map<String, Object> routing =
                (Map<String, Object>) ((Map<String, Object>) result.get("per_class")).get("routing");
        out().printf(
                        "%-16s %7s %22s %22s %22s %8s%n",
                        "class", "support", "gate P / R / F1", "expert P / R / F1", "blended P / R / F1", "routed");
        for (String label : gate.labels()) {
            Map<String, Object> r = (Map<String, Object>) routing.get(label);
            out().printf(
                            Locale.ROOT,
                            "%-16s %7d %22s %22s %22s %7.1f%%%n",
                            label,
                            gate.perClass().get(label).support(),
                            prf(gate, label),
                            prf(expert, label),
                            prf(blended, label),
                            100 * (double) r.get("routing_rate"));
        }
    }

    private static String prf(ClassificationReport report, String label) {
        if (report == null) {
            return "-";
        }
        ClassificationReport.ClassScores s = report.perClass().get(label);
        return String.format(Locale.ROOT, "%.3f / %.3f / %.3f", s.precision(), s.recall(), s.f1());
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
