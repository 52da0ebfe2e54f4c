package dev.sieve.models.expert;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.models.expert.internal.ClassificationScores;
import dev.sieve.models.expert.internal.DenseHead;
import dev.sieve.models.expert.internal.DynamicQuantizer;
import dev.sieve.models.expert.internal.Embeddings;
import dev.sieve.models.expert.internal.ExpertGraphBuilder;
import dev.sieve.models.expert.internal.HeadTrainer;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.shared.bundle.ExpertSpec;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.ExpertTokenizer;
import dev.sieve.worker.expert.OnnxExpert;
import dev.sieve.worker.expert.PaddedBatch;
import dev.sieve.worker.expert.SessionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains the expert: embeds the training and validation texts with a frozen sentence encoder (cached
 * on disk), trains a classifier head in Java, appends pooling and the head to the encoder's ONNX graph
 * and checks the graph against the Java head. See {@code docs/decisions/0002-expert-design.md}.
 */
public final class ExpertTrainer {
    private static final String EXPERT_FILE = ExpertGraphContract.EXPERT_FILE;
    private static final String EXPERT_INT8_FILE = ExpertGraphContract.EXPERT_INT8_FILE;
    private static final String TOKENIZER_FILE = ExpertGraphContract.TOKENIZER_FILE;
    private static final String META_MAX_TOKENS = ExpertGraphContract.META_MAX_TOKENS;
    private static final String META_TAIL_TOKENS = ExpertGraphContract.META_TAIL_TOKENS;
    private static final String META_LABELS = ExpertGraphContract.META_LABELS;
    private static final String META_ENCODER = ExpertGraphContract.META_ENCODER;

    /**
     * How {@value #EXPERT_INT8_FILE} is made from {@value #EXPERT_FILE}: every encoder MatMul with a constant
     * weight; the head Sieve appended stays fp32 (it is tiny and reads the gate's log-probabilities).
     */
    static final DynamicQuantizer.Options INT8 =
            DynamicQuantizer.Options.defaults().withKeepFp32(ExpertGraphBuilder::appendedBySieve);

    private static final int VERIFY_ITEMS = 50;
    private static final int BATCH = 8;

    private final Options options;

    private ExpertTrainer(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public static ExpertTrainer create(Options options) {
        return new ExpertTrainer(options);
    }

    /**
     * How to build the expert.
     *
     * @param encoder the frozen sentence encoder
     * @param maxTokens longest token sequence per item (default 256)
     * @param tailTokens tokens kept from the end of long texts (head+tail truncation; 0 = plain truncation)
     * @param useGateFeature whether the head also reads the gate's probabilities (the default design)
     * @param output the graph's output: {@code probabilities} (default) or {@code logits}, the layout of a
     *     Hugging Face sequence-classification export (no gate feature then)
     * @param exportInt8 also write {@value #EXPERT_INT8_FILE}: {@value #EXPERT_FILE} with its encoder's
     *     MatMuls dynamically quantized to int8 (any encoder: built-in, fine-tuned or a user's export)
     * @param cacheDir encoder files and embedding cache (default {@code ~/.cache/sieve})
     * @param threads ONNX Runtime intra-op threads while embedding
     * @param progress progress of the embedding steps
     */
    public record Options(
            Encoder encoder,
            int maxTokens,
            int tailTokens,
            boolean useGateFeature,
            ExpertSpec.Output output,
            boolean exportInt8,
            Path cacheDir,
            int threads,
            ProgressListener progress) {
        public Options {
            Objects.requireNonNull(encoder, "encoder");
            Objects.requireNonNull(cacheDir, "cacheDir");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(output, "output");
            if (output == ExpertSpec.Output.LOGITS && useGateFeature) {
                throw new IllegalArgumentException(
                        "output logits (a standard classifier layout) cannot take the gate feature; use withGateFeature(false)");
            }
            if (maxTokens < 8 || maxTokens > 512) {
                throw new IllegalArgumentException(
                        "maxTokens must be between 8 and 512 (the encoders' limit), got " + maxTokens);
            }
            if (tailTokens < 0 || tailTokens > maxTokens / 2) {
                throw new IllegalArgumentException(
                        "tailTokens must be between 0 and maxTokens/2 (" + maxTokens / 2 + "), got " + tailTokens);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }

        /** MiniLM-L6 fp32, 256 tokens (192 head + 64 tail), gate feature on, int8 export on, 2 threads. */
        public static Options defaults() {
            return new Options(
                    Encoder.MINILM_L6,
                    256,
                    64,
                    true,
                    ExpertSpec.Output.PROBABILITIES,
                    true,
                    Path.of(System.getProperty("user.home"), ".cache", "sieve"),
                    2,
                    ProgressListener.stderrBar());
        }

        public Options withEncoder(Encoder value) {
            return new Options(
                    value, maxTokens, tailTokens, useGateFeature, output, exportInt8, cacheDir, threads, progress);
        }

        public Options withTokens(int max, int tail) {
            return new Options(encoder, max, tail, useGateFeature, output, exportInt8, cacheDir, threads, progress);
        }

        public Options withGateFeature(boolean value) {
            return new Options(encoder, maxTokens, tailTokens, value, output, exportInt8, cacheDir, threads, progress);
        }

        /** The graph's output; {@code logits} also turns the gate feature off (a standard classifier layout). */
        public Options withOutput(ExpertSpec.Output value) {
            boolean gate = value == ExpertSpec.Output.PROBABILITIES && useGateFeature;
            return new Options(encoder, maxTokens, tailTokens, gate, value, exportInt8, cacheDir, threads, progress);
        }

        public Options withInt8(boolean value) {
            return new Options(
                    encoder, maxTokens, tailTokens, useGateFeature, output, value, cacheDir, threads, progress);
        }

        public Options withCacheDir(Path value) {
            return new Options(
                    encoder, maxTokens, tailTokens, useGateFeature, output, exportInt8, value, threads, progress);
        }

        public Options withThreads(int value) {
            return new Options(
                    encoder, maxTokens, tailTokens, useGateFeature, output, exportInt8, cacheDir, value, progress);
        }

        public Options withProgress(ProgressListener value) {
            return new Options(
                    encoder, maxTokens, tailTokens, useGateFeature, output, exportInt8, cacheDir, threads, value);
        }
    }

    /**
     * The files written into the bundle directory and the facts about them.
     *
     * @param components role → file name, for {@code ModelBundle.write}
     * @param spec how the worker serves the graph, for the manifest
     * @param metadata encoder, pooling, tokens, head kind, validation metrics, max_abs_diff, what was tried
     */
    public record TrainedExpert(
            Map<String, String> components,
            ExpertSpec spec,
            Map<String, Object> metadata,
            List<float[]> crossFittedValidation) {
        public TrainedExpert {
            components = Map.copyOf(components);
            Objects.requireNonNull(spec, "spec");
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            crossFittedValidation = List.copyOf(crossFittedValidation);
        }
    }

    /**
     * Metadata key (in the expert's {@code validation} section): the cross-fitted expert's predicted label
     * index for every validation item, in split order, which calibration uses instead of the shipped head's
     * in-sample validation predictions.
     */
    public static final String CROSS_FITTED_PREDICTIONS = "cross_fitted_predictions";

    /**
     * Trains the head, writes {@value #EXPERT_FILE} (+ {@value #EXPERT_INT8_FILE}) and {@value
     * #TOKENIZER_FILE} into {@code bundleDir}.
     *
     * @param trainGateProbabilities the gate's probabilities on {@code train} (label order of {@code labels});
     *     accepted for symmetry but not used to fit the head: in-sample gate scores are over-confident
     * @param validationGateProbabilities the gate's probabilities on {@code validation} (held out from the
     *     gate); required when the options use the gate feature
     */
    public TrainedExpert train(
            List<LabeledText> train,
            List<float[]> trainGateProbabilities,
            List<LabeledText> validation,
            List<float[]> validationGateProbabilities,
            List<String> labels,
            Path bundleDir) {
        int classes = labels.size();
        if (classes < 2) {
            throw new IllegalArgumentException("need at least two labels, got " + labels);
        }
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("the training and the validation split must both be non-empty (got "
                    + train.size() + " and " + validation.size() + " items)");
        }
        int[] trainLabels = labelIndices(train, labels, "train");
        int[] validationLabels = labelIndices(validation, labels, "validation");
        List<float[]> validationGate = null;
        if (options.useGateFeature()) {
            checkGate(validationGateProbabilities, validation.size(), classes, "validationGateProbabilities");
            validationGate = validationGateProbabilities;
        }
        try {
            Files.createDirectories(bundleDir);
            return trainChecked(train, validation, trainLabels, validationLabels, validationGate, labels, bundleDir);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed while training the expert: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the expert into " + bundleDir + ": " + e.getMessage(), e);
        }
    }

    private TrainedExpert trainChecked(
            List<LabeledText> train,
            List<LabeledText> validation,
            int[] trainLabels,
            int[] validationLabels,
            List<float[]> validationGate,
            List<String> labels,
            Path bundleDir)
            throws OrtException, IOException {
        int classes = labels.size();
        Encoder encoder = options.encoder();
        List<float[]> trainEmbeddings;
        List<float[]> validationEmbeddings;
        try (Embeddings embeddings = new Embeddings(
                encoder, options.maxTokens(), options.tailTokens(), options.cacheDir(), options.threads())) {
            trainEmbeddings = embeddings.embed(texts(train), "embed train", options.progress());
            validationEmbeddings = embeddings.embed(texts(validation), "embed validation", options.progress());
        }
        HeadTrainer.Result trained = HeadTrainer.train(
                trainEmbeddings, trainLabels, validationEmbeddings, validationLabels, validationGate, classes);
        DenseHead head = trained.head();

        Map<String, String> graphMetadata = new LinkedHashMap<>();
        graphMetadata.put(META_MAX_TOKENS, Integer.toString(options.maxTokens()));
        graphMetadata.put(META_TAIL_TOKENS, Integer.toString(options.tailTokens()));
        graphMetadata.put(META_LABELS, String.join("\n", labels));
        graphMetadata.put(META_ENCODER, encoder.name());

        Path expertFile = bundleDir.resolve(EXPERT_FILE);
        ModelProto expertGraph = ExpertGraphBuilder.withHead(
                ExpertGraphBuilder.load(Embeddings.encoderFile(encoder, options.cacheDir())),
                encoder.pooling(),
                head,
                options.output(),
                graphMetadata);
        ExpertGraphBuilder.save(expertGraph, expertFile);
        Files.copy(
                Embeddings.tokenizerFile(encoder, options.cacheDir()),
                bundleDir.resolve(TOKENIZER_FILE),
                StandardCopyOption.REPLACE_EXISTING);

        Map<String, String> components = new HashMap<>();
        components.put(BundleManifest.EXPERT, EXPERT_FILE);
        components.put(BundleManifest.TOKENIZER, TOKENIZER_FILE);

        List<float[]> javaValidation = new ArrayList<>();
        for (int i = 0; i < validation.size(); i++) {
            javaValidation.add(head.probabilities(validationEmbeddings.get(i), gateRow(validationGate, i)));
        }
        int positive = ClassificationScores.minorityClass(trainLabels, classes);
        Map<String, Object> validationMetrics = new LinkedHashMap<>();
        validationMetrics.put("items", validation.size());
        validationMetrics.put("positive_label", labels.get(positive));
        validationMetrics.put(
                "f1_embedding_only",
                round(positiveF1(
                        trainedEmbeddingOnly(trained, head), validationEmbeddings, validationLabels, positive)));
        validationMetrics.put("f1", round(ClassificationScores.f1(javaValidation, validationLabels, positive)));
        validationMetrics.put(
                "f1_cross_fitted",
                round(ClassificationScores.f1(trained.crossFittedValidation(), validationLabels, positive)));
        validationMetrics.put(
                "macro_f1_cross_fitted",
                round(ClassificationScores.macroF1(trained.crossFittedValidation(), validationLabels, classes)));
        validationMetrics.put(
                CROSS_FITTED_PREDICTIONS,
                trained.crossFittedValidation().stream()
                        .map(ClassificationScores::argmax)
                        .toList());
        validationMetrics.put(
                "macro_f1", round(ClassificationScores.macroF1(javaValidation, validationLabels, classes)));
        if (validationGate != null) {
            validationMetrics.put(
                    "f1_gate", round(ClassificationScores.f1(validationGate, validationLabels, positive)));
            validationMetrics.put(
                    "note", "the gate-feature weights are fitted on this split, so f1 here is optimistic");
        }

        int verifyCount = Math.min(VERIFY_ITEMS, validation.size());
        List<String> verifyTexts = texts(validation).subList(0, verifyCount);
        List<float[]> verifyGate = validationGate == null ? null : validationGate.subList(0, verifyCount);
        Verification fp32 = runGraph(expertFile, encoder, verifyTexts, verifyGate, classes);
        double maxAbsDiff = maxAbsDiff(fp32.probabilities(), javaValidation.subList(0, verifyCount));

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("encoder", encoder.name());
        metadata.put("pooling", encoder.pooling().name());
        metadata.put("max_tokens", options.maxTokens());
        metadata.put("tail_tokens", options.tailTokens());
        metadata.put("truncation", options.tailTokens() == 0 ? "head" : "head+tail");
        metadata.put("head", head.kind());
        metadata.put("gate_feature", head.gateClasses() > 0);
        metadata.put("head_l2", trained.chosenL2());
        metadata.put("train_items", train.size());
        metadata.put("validation", validationMetrics);
        metadata.put("max_abs_diff", maxAbsDiff);
        metadata.put("max_abs_diff_items", verifyCount);
        metadata.put("fp32_ms_per_item_verify", round(fp32.millisPerItem()));

        if (options.exportInt8()) {
            Path int8File = bundleDir.resolve(EXPERT_INT8_FILE);
            DynamicQuantizer.Result quantized = DynamicQuantizer.quantize(expertGraph, INT8);
            ExpertGraphBuilder.save(quantized.model(), int8File);
            components.put(BundleManifest.EXPERT_INT8, EXPERT_INT8_FILE);
            Verification int8 = runGraph(int8File, encoder, verifyTexts, verifyGate, classes);
            Map<String, Object> int8Metrics = new LinkedHashMap<>();
            int8Metrics.put("source", EXPERT_FILE + " quantized (the same encoder and head)");
            int8Metrics.putAll(quantized.facts(INT8));
            int8Metrics.put("max_abs_diff_vs_fp32", maxAbsDiff(int8.probabilities(), fp32.probabilities()));
            int8Metrics.put("agreement_vs_fp32", round(agreement(int8.probabilities(), fp32.probabilities())));
            int8Metrics.put("ms_per_item_verify", round(int8.millisPerItem()));
            int8Metrics.put("speed_vs_fp32_verify", round(fp32.millisPerItem() / int8.millisPerItem()));
            int8Metrics.put("items", verifyCount);
            metadata.put("int8", int8Metrics);
        }
        metadata.put(
                "tried",
                List.of(
                        "frozen MiniLM mean-pool + logistic head (embedding only)",
                        "+ gate log-probabilities as head inputs, stacked on the validation split",
                        "head+tail truncation (192+64) vs plain truncation (256)",
                        "int8 encoder with the fp32-trained head; now the trained fp32 graph quantized in Java",
                        "see docs/decisions/0002-expert-design.md for the figures"));
        ExpertSpec spec =
                new ExpertSpec(options.output(), head.gateClasses() > 0, options.maxTokens(), options.tailTokens());
        return new TrainedExpert(components, spec, metadata, trained.crossFittedValidation());
    }

    private static DenseHead trainedEmbeddingOnly(HeadTrainer.Result trained, DenseHead head) {
        return new DenseHead(List.of(trained.embeddingOnly()), head.embeddingDimension(), 0);
    }

    private static double positiveF1(DenseHead head, List<float[]> embeddings, int[] labels, int positive) {
        List<float[]> predicted = new ArrayList<>();
        for (float[] e : embeddings) {
            predicted.add(head.probabilities(e, null));
        }
        return ClassificationScores.f1(predicted, labels, positive);
    }

    private record Verification(List<float[]> probabilities, double millisPerItem) {}

    /** Runs a finished expert graph over texts exactly as {@link OnnxExpert} would, in batches of 8. */
    private Verification runGraph(Path model, Encoder encoder, List<String> texts, List<float[]> gate, int classes)
            throws OrtException {
        try (ExpertTokenizer tokenizer = ExpertTokenizer.open(
                        Embeddings.tokenizerFile(encoder, options.cacheDir()),
                        options.maxTokens(),
                        options.tailTokens());
                OrtSession session = SessionFactory.open(model, -1, options.threads())) {
            PaddedBatch batch = new PaddedBatch(session.getInputNames());
            List<float[]> out = new ArrayList<>();
            long start = System.nanoTime();
            for (int from = 0; from < texts.size(); from += BATCH) {
                int to = Math.min(texts.size(), from + BATCH);
                List<long[]> ids = texts.subList(from, to).stream()
                        .map(tokenizer::tokenize)
                        .toList();
                Map<String, OnnxTensor> inputs =
                        batch.tensors(ids, gate == null ? null : gate.subList(from, to), classes);
                try (OrtSession.Result result = session.run(inputs)) {
                    FloatBuffer values = ((OnnxTensor)
                                    result.get(options.output().tensorName()).orElseThrow())
                            .getFloatBuffer();
                    for (int i = from; i < to; i++) {
                        float[] row = new float[classes];
                        values.get(row);
                        if (options.output() == ExpertSpec.Output.LOGITS) {
                            OnnxExpert.softmaxInPlace(row);
                        }
                        out.add(row);
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
            double millis = (System.nanoTime() - start) / 1e6 / Math.max(1, texts.size());
            return new Verification(out, millis);
        }
    }

    static double maxAbsDiff(List<float[]> a, List<float[]> b) {
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int c = 0; c < a.get(i).length; c++) {
                max = Math.max(max, Math.abs(a.get(i)[c] - b.get(i)[c]));
            }
        }
        return max;
    }

    private static double agreement(List<float[]> a, List<float[]> b) {
        int same = 0;
        for (int i = 0; i < a.size(); i++) {
            if (ClassificationScores.argmax(a.get(i)) == ClassificationScores.argmax(b.get(i))) {
                same++;
            }
        }
        return a.isEmpty() ? 1 : (double) same / a.size();
    }

    private static float[] gateRow(List<float[]> gate, int i) {
        return gate == null ? null : gate.get(i);
    }

    private static List<String> texts(List<LabeledText> items) {
        return items.stream().map(LabeledText::text).toList();
    }

    private static int[] labelIndices(List<LabeledText> items, List<String> labels, String split) {
        int[] indices = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            int index = labels.indexOf(items.get(i).label());
            if (index < 0) {
                throw new IllegalArgumentException("item '" + items.get(i).id() + "' of the " + split
                        + " split has label '" + items.get(i).label() + "', which is not one of " + labels);
            }
            indices[i] = index;
        }
        return indices;
    }

    private static void checkGate(List<float[]> gate, int items, int classes, String name) {
        if (gate == null || gate.size() != items) {
            throw new IllegalArgumentException(name + " must hold one row per item (" + items + ") when the expert "
                    + "uses the gate feature; got " + (gate == null ? "null" : gate.size() + " rows")
                    + " (or train with Options.withGateFeature(false))");
        }
        for (float[] row : gate) {
            if (row == null || row.length != classes) {
                throw new IllegalArgumentException(
                        name + " rows must have one probability per label (" + classes + ")");
            }
        }
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
