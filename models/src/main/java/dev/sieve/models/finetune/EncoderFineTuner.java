package dev.sieve.models.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.models.expert.internal.ExpertGraphBuilder;
import dev.sieve.models.expert.internal.PooledEncoder;
import dev.sieve.models.finetune.internal.AdamW;
import dev.sieve.models.finetune.internal.BertModel;
import dev.sieve.models.finetune.internal.BertWeights;
import dev.sieve.models.finetune.internal.Checkpoint;
import dev.sieve.models.finetune.internal.FineTuneEngine;
import dev.sieve.models.finetune.internal.TokenBatch;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.worker.expert.ExpertTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Fine-tunes a sentence encoder on labeled texts, starting from its ONNX weights, and writes the tuned
 * encoder back as ONNX with the same graph, inputs and outputs (only the initializers change), so
 * everything downstream (pooling + head graph, the worker) serves it unchanged.
 *
 * <p>Training: the encoder ({@link BertModel}, DJL's PyTorch engine on the CPU) with the encoder's own
 * pooling and a linear head, class-weighted cross-entropy, AdamW with linear warm-up and decay, hidden
 * dropout. The word-embedding table (half of MiniLM's weights) stays frozen: its gradient touches only
 * the tokens of a batch yet costs a dense 30522 x 384 update per step. The head is only a training aid: the bundle's head is trained afterwards on the tuned
 * embeddings by the expert trainer. A checkpoint is written after every epoch; {@link Options#resume()}
 * continues from the last complete one. Before training and after export the Java forward pass is
 * compared with ONNX Runtime on the same texts (a mismatch above {@value #MAX_ABS_DIFF} is an error).
 */
public final class EncoderFineTuner {
    /** Largest accepted difference between the Java forward pass and ONNX Runtime on a pooled embedding. */
    public static final double MAX_ABS_DIFF = 1e-3;

    private final Options options;

    private EncoderFineTuner(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public static EncoderFineTuner create(Options options) {
        return new EncoderFineTuner(options);
    }

    /**
     * How to fine-tune.
     *
     * @param encoder fp32 encoder to start from (int8 encoders cannot be trained)
     * @param epochs passes over the training texts
     * @param batchSize texts per optimizer step
     * @param maxTokens longest token sequence while training (head + tail truncation as the expert)
     * @param tailTokens tokens kept from the end of long texts
     * @param learningRate peak AdamW learning rate of the encoder
     * @param headLearningRate peak AdamW learning rate of the training head (starts from small random weights)
     * @param weightDecay decoupled weight decay (not on biases and LayerNorm)
     * @param warmupFraction share of the steps with a linearly rising learning rate
     * @param dropout hidden-state dropout while training
     * @param evaluationItems training texts on which the loss is measured before and after (no dropout)
     * @param verifyItems texts on which the Java forward pass is compared with ONNX Runtime
     * @param seed shuffling and head initialisation
     * @param resume continue from the checkpoint in {@code workDir} when it belongs to this run
     * @param cacheDir where the encoder's class-path resources are copied
     * @param workDir where the per-epoch checkpoint lives
     * @param threads ONNX Runtime threads for the verification
     * @param progress progress of each epoch
     */
    public record Options(
            Encoder encoder,
            int epochs,
            int batchSize,
            int maxTokens,
            int tailTokens,
            double learningRate,
            double headLearningRate,
            double weightDecay,
            double warmupFraction,
            double dropout,
            int evaluationItems,
            int verifyItems,
            long seed,
            boolean resume,
            Path cacheDir,
            Path workDir,
            int threads,
            ProgressListener progress) {
        public Options {
            Objects.requireNonNull(encoder, "encoder");
            Objects.requireNonNull(cacheDir, "cacheDir");
            Objects.requireNonNull(workDir, "workDir");
            Objects.requireNonNull(progress, "progress");
            if (encoder.isInt8()) {
                throw new IllegalArgumentException(
                        "encoder must be an fp32 encoder (int8 weights cannot be trained), got " + encoder);
            }
            requireRange("epochs", epochs, 1, 100);
            requireRange("batchSize", batchSize, 1, 512);
            requireRange("maxTokens", maxTokens, 8, 512);
            requireRange("tailTokens", tailTokens, 0, maxTokens / 2);
            requireRange("evaluationItems", evaluationItems, 1, Integer.MAX_VALUE);
            requireRange("verifyItems", verifyItems, 1, 1000);
            requireRange("threads", threads, 1, 256);
            if (!(learningRate > 0 && learningRate < 1)) {
                throw new IllegalArgumentException("learningRate must be in (0, 1), got " + learningRate);
            }
            if (!(headLearningRate > 0 && headLearningRate < 1)) {
                throw new IllegalArgumentException("headLearningRate must be in (0, 1), got " + headLearningRate);
            }
            if (!(weightDecay >= 0 && weightDecay < 1)) {
                throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
            }
            if (!(warmupFraction >= 0 && warmupFraction < 1)) {
                throw new IllegalArgumentException("warmupFraction must be in [0, 1), got " + warmupFraction);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
        }

        private static void requireRange(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
            }
        }

        /**
         * MiniLM-L6, 1 epoch, batches of 16, 128 tokens (96 head + 32 tail), learning rate 3e-5 (head 2e-3),
         * weight decay 0.01, 10 % warm-up, dropout 0.1, loss on 256 training texts, 16 verification texts.
         */
        public static Options defaults(Path workDir) {
            return new Options(
                    Encoder.MINILM_L6,
                    1,
                    16,
                    128,
                    32,
                    3e-5,
                    2e-3,
                    0.01,
                    0.1,
                    0.1,
                    256,
                    16,
                    42,
                    false,
                    Path.of(System.getProperty("user.home"), ".cache", "sieve"),
                    workDir,
                    2,
                    ProgressListener.stderrBar());
        }

        public Options withEncoder(Encoder value) {
            return new Options(
                    value,
                    epochs,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    workDir,
                    threads,
                    progress);
        }

        public Options withEpochs(int value) {
            return new Options(
                    encoder,
                    value,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    workDir,
                    threads,
                    progress);
        }

        public Options withBatchSize(int value) {
            return new Options(
                    encoder,
                    epochs,
                    value,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    workDir,
                    threads,
                    progress);
        }

        public Options withTokens(int max, int tail) {
            return new Options(
                    encoder,
                    epochs,
                    batchSize,
                    max,
                    tail,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    workDir,
                    threads,
                    progress);
        }

        public Options withLearningRates(double encoderRate, double headRate) {
            return new Options(
                    encoder,
                    epochs,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    encoderRate,
                    headRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    workDir,
                    threads,
                    progress);
        }

        public Options withResume(boolean value) {
            return new Options(
                    encoder,
                    epochs,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    value,
                    cacheDir,
                    workDir,
                    threads,
                    progress);
        }

        public Options withCacheDir(Path value) {
            return new Options(
                    encoder,
                    epochs,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    value,
                    workDir,
                    threads,
                    progress);
        }

        public Options withWorkDir(Path value) {
            return new Options(
                    encoder,
                    epochs,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    value,
                    threads,
                    progress);
        }

        public Options withProgress(ProgressListener value) {
            return new Options(
                    encoder,
                    epochs,
                    batchSize,
                    maxTokens,
                    tailTokens,
                    learningRate,
                    headLearningRate,
                    weightDecay,
                    warmupFraction,
                    dropout,
                    evaluationItems,
                    verifyItems,
                    seed,
                    resume,
                    cacheDir,
                    workDir,
                    threads,
                    value);
        }

        /** Everything that changes the trained weights (not the progress display, threads or resume flag). */
        String describe() {
            return String.join(
                    "|",
                    encoder.name(),
                    "epochs=" + epochs,
                    "batch=" + batchSize,
                    "tokens=" + maxTokens + "+" + tailTokens,
                    "lr=" + learningRate,
                    "head_lr=" + headLearningRate,
                    "wd=" + weightDecay,
                    "warmup=" + warmupFraction,
                    "dropout=" + dropout,
                    "seed=" + seed);
        }
    }

    /**
     * What fine-tuning did.
     *
     * @param encoderFile the tuned encoder (same graph as the original, new initializers)
     * @param epochs epochs trained in total (including those before a resume)
     * @param steps optimizer steps in total
     * @param resumedFromEpoch complete epochs found in the checkpoint (0 when started fresh)
     * @param epochLosses mean training loss of each epoch (with dropout)
     * @param lossBefore class-weighted loss on the evaluation texts before training (no dropout)
     * @param lossAfter the same after training
     * @param maxAbsDiffBefore Java forward pass vs ONNX Runtime on the original weights (pooled embedding)
     * @param maxAbsDiffAfter Java forward pass vs ONNX Runtime on the exported tuned encoder
     * @param maxChangeVsOriginal how far the tuned encoder's embeddings moved from the original's
     * @param trainSeconds wall time of the training loop in this run
     * @param totalSeconds wall time of this call
     */
    public record Result(
            Path encoderFile,
            int epochs,
            long steps,
            int resumedFromEpoch,
            List<Double> epochLosses,
            double lossBefore,
            double lossAfter,
            double maxAbsDiffBefore,
            double maxAbsDiffAfter,
            double maxChangeVsOriginal,
            double trainSeconds,
            double totalSeconds) {
        public Result {
            epochLosses = List.copyOf(epochLosses);
        }

        /** The facts as bundle metadata. */
        public Map<String, Object> facts(Options options, int trainItems) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put(
                    "library",
                    "DJL API " + ai.djl.engine.Engine.getDjlVersion() + ", libtorch "
                            + FineTuneEngine.engine().getVersion() + " on the CPU");
            facts.put("encoder", options.encoder().name());
            facts.put("train_items", trainItems);
            facts.put("epochs", epochs);
            facts.put("steps", steps);
            facts.put("batch_size", options.batchSize());
            facts.put("max_tokens", options.maxTokens());
            facts.put("tail_tokens", options.tailTokens());
            facts.put("learning_rate", options.learningRate());
            facts.put("head_learning_rate", options.headLearningRate());
            facts.put("weight_decay", options.weightDecay());
            facts.put("schedule", "linear warm-up " + options.warmupFraction() + " then linear decay to 0");
            facts.put("loss", "class-weighted cross-entropy on a linear head over the encoder's pooling");
            facts.put(
                    "epoch_losses",
                    epochLosses.stream().map(EncoderFineTuner::round).toList());
            facts.put("loss_before", round(lossBefore));
            facts.put("loss_after", round(lossAfter));
            facts.put("max_abs_diff_before", maxAbsDiffBefore);
            facts.put("max_abs_diff_after", maxAbsDiffAfter);
            facts.put("max_change_vs_original", round(maxChangeVsOriginal));
            facts.put("resumed_from_epoch", resumedFromEpoch);
            facts.put("train_seconds", round(trainSeconds));
            facts.put("total_seconds", round(totalSeconds));
            facts.put("cores", Runtime.getRuntime().availableProcessors());
            return facts;
        }
    }

    /**
     * Fine-tunes on {@code train} and writes the tuned encoder to {@code output}.
     *
     * @param labels class order of the training head; every item's label must be one of them
     */
    public Result tune(List<LabeledText> train, List<String> labels, Path output) {
        long started = System.nanoTime();
        if (labels.size() < 2) {
            throw new IllegalArgumentException("labels must hold at least two labels, got " + labels);
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("train must hold at least one item");
        }
        int[] truth = labelIndices(train, labels);
        Encoder encoder = options.encoder();
        ModelProto original = ExpertGraphBuilder.load(encoder.onnxFile(options.cacheDir()));
        BertWeights weights = BertWeights.read(original);
        List<long[]> tokens;
        try (ExpertTokenizer tokenizer = ExpertTokenizer.open(
                encoder.tokenizerFile(options.cacheDir()), options.maxTokens(), options.tailTokens())) {
            tokens = train.parallelStream()
                    .map(item -> tokenizer.tokenize(item.text()))
                    .toList();
        }
        String fingerprint = fingerprint(train, labels);
        Random random = new Random(options.seed());
        List<Integer> evaluation = sample(train.size(), options.evaluationItems(), random);
        List<Integer> verify = evaluation.subList(0, Math.min(options.verifyItems(), evaluation.size()));
        float[] classWeights = classWeights(truth, labels.size());

        FineTuneEngine.engine();
        try (NDManager manager = NDManager.newBaseManager(FineTuneEngine.device(), FineTuneEngine.NAME)) {
            Optional<Checkpoint> checkpoint = options.resume() ? Checkpoint.read(options.workDir()) : Optional.empty();
            if (checkpoint.isPresent() && !checkpoint.get().fingerprint().equals(fingerprint)) {
                throw new IllegalArgumentException("the checkpoint in " + options.workDir() + " belongs to a run with"
                        + " other settings or data; run without resume to start over");
            }
            Map<String, float[]> saved = checkpoint.map(Checkpoint::arrays).orElse(Map.of());
            BertModel model = BertModel.load(weights, saved, encoder.pooling(), manager);
            Map<String, NDArray> parameters = new LinkedHashMap<>(model.trainable());
            NDArray headWeight = parameter(
                    manager,
                    "head.weight",
                    saved,
                    headInit(model.hidden(), labels.size(), random),
                    new Shape(model.hidden(), labels.size()));
            NDArray headBias =
                    parameter(manager, "head.bias", saved, new float[labels.size()], new Shape(labels.size()));
            parameters.put("head.weight", headWeight);
            parameters.put("head.bias", headBias);
            AdamW optimizer = new AdamW(parameters, (float) options.weightDecay(), manager);
            checkpoint.ifPresent(c -> optimizer.restore(c.arrays(), c.steps(), manager));

            double diffBefore = checkpoint.isPresent()
                    ? Double.NaN
                    : maxAbsDiff(
                            javaPooled(model, pick(tokens, verify), manager),
                            onnxPooled(original, pick(tokens, verify)));
            requireMatch(diffBefore, "the original weights");
            double lossBefore = checkpoint.isPresent()
                    ? Double.NaN
                    : loss(model, headWeight, headBias, tokens, truth, classWeights, evaluation, manager);

            int doneEpochs = checkpoint.map(Checkpoint::epochs).orElse(0);
            List<Double> epochLosses =
                    new ArrayList<>(checkpoint.map(Checkpoint::epochLosses).orElse(List.of()));
            int stepsPerEpoch = (train.size() + options.batchSize() - 1) / options.batchSize();
            long totalSteps = (long) stepsPerEpoch * options.epochs();
            long warmupSteps = Math.round(totalSteps * options.warmupFraction());
            long trainStarted = System.nanoTime();
            for (int epoch = doneEpochs; epoch < options.epochs(); epoch++) {
                String phase = "fine-tune epoch " + (epoch + 1) + "/" + options.epochs();
                List<Integer> order =
                        IntStream.range(0, train.size()).boxed().collect(java.util.stream.Collectors.toList());
                Collections.shuffle(order, new Random(options.seed() * 31 + epoch));
                double lossSum = 0;
                options.progress().onProgress(phase, 0, train.size());
                for (int start = 0; start < order.size(); start += options.batchSize()) {
                    List<Integer> rows = order.subList(start, Math.min(order.size(), start + options.batchSize()));
                    double factor = schedule(optimizer.steps() + 1, warmupSteps, totalSteps);
                    lossSum += trainStep(model, headWeight, headBias, tokens, truth, classWeights, rows, manager)
                            * rows.size();
                    Map<String, Float> rates = new HashMap<>();
                    parameters
                            .keySet()
                            .forEach(name -> rates.put(name, (float) (factor
                                    * (name.startsWith("head.")
                                            ? options.headLearningRate()
                                            : options.learningRate()))));
                    optimizer.step(parameters, rates);
                    options.progress().onProgress(phase, start + rows.size(), train.size());
                }
                epochLosses.add(lossSum / train.size());
                Map<String, float[]> arrays = new LinkedHashMap<>();
                parameters.forEach((name, p) -> arrays.put(name, p.toFloatArray()));
                arrays.putAll(optimizer.state());
                new Checkpoint(fingerprint, epoch + 1, optimizer.steps(), epochLosses, arrays).write(options.workDir());
            }
            double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
            double lossAfter = loss(model, headWeight, headBias, tokens, truth, classWeights, evaluation, manager);

            ModelProto tuned = weights.replace(original, model.values(weights.roles()));
            ExpertGraphBuilder.save(tuned, output);
            List<long[]> verifyTokens = pick(tokens, verify);
            List<float[]> tunedOnnx = onnxPooled(ExpertGraphBuilder.load(output), verifyTokens);
            double diffAfter = maxAbsDiff(javaPooled(model, verifyTokens, manager), tunedOnnx);
            requireMatch(diffAfter, "the exported tuned encoder " + output);
            double change = maxAbsDiff(onnxPooled(original, verifyTokens), tunedOnnx);
            return new Result(
                    output,
                    options.epochs(),
                    optimizer.steps(),
                    doneEpochs,
                    epochLosses,
                    lossBefore,
                    lossAfter,
                    diffBefore,
                    diffAfter,
                    change,
                    trainSeconds,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private double trainStep(
            BertModel model,
            NDArray headWeight,
            NDArray headBias,
            List<long[]> tokens,
            int[] truth,
            float[] classWeights,
            List<Integer> rows,
            NDManager manager) {
        try (TokenBatch batch = TokenBatch.of(pick(tokens, rows), manager);
                GradientCollector collector = FineTuneEngine.engine().newGradientCollector()) {
            collector.zeroGradients();
            NDArray pooled = model.pooled(batch.ids(), batch.mask(), (float) options.dropout());
            NDArray loss = weightedLoss(pooled, headWeight, headBias, truth, classWeights, rows, batch.manager());
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    private double loss(
            BertModel model,
            NDArray headWeight,
            NDArray headBias,
            List<long[]> tokens,
            int[] truth,
            float[] classWeights,
            List<Integer> items,
            NDManager manager) {
        double weighted = 0;
        double weightSum = 0;
        for (int start = 0; start < items.size(); start += options.batchSize()) {
            List<Integer> rows = items.subList(start, Math.min(items.size(), start + options.batchSize()));
            try (TokenBatch batch = TokenBatch.of(pick(tokens, rows), manager)) {
                NDArray pooled = model.pooled(batch.ids(), batch.mask(), 0f);
                double rowWeights =
                        rows.stream().mapToDouble(i -> classWeights[truth[i]]).sum();
                weighted += weightedLoss(pooled, headWeight, headBias, truth, classWeights, rows, batch.manager())
                                .getFloat()
                        * rowWeights;
                weightSum += rowWeights;
            }
        }
        return weighted / weightSum;
    }

    /** {@code -Σ w_y log p_y / Σ w_y} over the rows. */
    private static NDArray weightedLoss(
            NDArray pooled,
            NDArray headWeight,
            NDArray headBias,
            int[] truth,
            float[] classWeights,
            List<Integer> rows,
            NDManager manager) {
        int classes = classWeights.length;
        float[] picked = new float[rows.size() * classes];
        float total = 0;
        for (int r = 0; r < rows.size(); r++) {
            int label = truth[rows.get(r)];
            picked[r * classes + label] = classWeights[label];
            total += classWeights[label];
        }
        NDArray selector = manager.create(picked, new Shape(rows.size(), classes));
        NDArray logProbabilities = pooled.matMul(headWeight).add(headBias).logSoftmax(1);
        return logProbabilities.mul(selector).sum().neg().div(total);
    }

    private List<float[]> javaPooled(BertModel model, List<long[]> tokens, NDManager manager) {
        try (TokenBatch batch = TokenBatch.of(tokens, manager)) {
            return List.of(FineTuneEngine.rows(model.pooled(batch.ids(), batch.mask(), 0f)));
        }
    }

    private List<float[]> onnxPooled(ModelProto encoderGraph, List<long[]> tokens) {
        Path pooled = options.workDir().resolve("verify-pooled.onnx");
        ExpertGraphBuilder.save(
                ExpertGraphBuilder.withPooling(encoderGraph, options.encoder().pooling()), pooled);
        try (ExpertTokenizer tokenizer = ExpertTokenizer.open(
                        options.encoder().tokenizerFile(options.cacheDir()),
                        options.maxTokens(),
                        options.tailTokens());
                PooledEncoder session = new PooledEncoder(pooled, tokenizer, options.threads())) {
            return session.embedTokens(tokens, "verify", ProgressListener.silent());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the encoder: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(pooled);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + pooled + ": " + e.getMessage(), e);
            }
        }
    }

    private static void requireMatch(double diff, String what) {
        if (diff > MAX_ABS_DIFF) {
            throw new IllegalStateException("the Java forward pass differs from ONNX Runtime on " + what + " by " + diff
                    + " (limit " + MAX_ABS_DIFF + "); the encoder graph is not the BERT layout the tuner implements");
        }
    }

    /** Linear warm-up to 1 over {@code warmup} steps, then linear decay to 0 at {@code total}. */
    static double schedule(long step, long warmup, long total) {
        if (step <= warmup) {
            return (double) step / Math.max(1, warmup);
        }
        return Math.max(0.0, (double) (total - step + 1) / Math.max(1, total - warmup));
    }

    /** Inverse-frequency weights {@code n / (classes · n_c)}, so every class weighs the same in the loss. */
    static float[] classWeights(int[] truth, int classes) {
        int[] counts = new int[classes];
        for (int label : truth) {
            counts[label]++;
        }
        float[] weights = new float[classes];
        for (int c = 0; c < classes; c++) {
            weights[c] = counts[c] == 0 ? 0f : (float) truth.length / (classes * (float) counts[c]);
        }
        return weights;
    }

    public static double maxAbsDiff(List<float[]> a, List<float[]> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("cannot compare " + a.size() + " rows with " + b.size());
        }
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int c = 0; c < a.get(i).length; c++) {
                max = Math.max(max, Math.abs(a.get(i)[c] - b.get(i)[c]));
            }
        }
        return max;
    }

    private static NDArray parameter(
            NDManager manager, String name, Map<String, float[]> saved, float[] initial, Shape shape) {
        NDArray array = manager.create(saved.getOrDefault(name, initial), shape);
        array.setName(name);
        array.setRequiresGradient(true);
        return array;
    }

    private static float[] headInit(int hidden, int classes, Random random) {
        float[] values = new float[hidden * classes];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.02);
        }
        return values;
    }

    private static List<long[]> pick(List<long[]> tokens, List<Integer> rows) {
        return rows.stream().map(tokens::get).toList();
    }

    private static List<Integer> sample(int size, int count, Random random) {
        List<Integer> all = IntStream.range(0, size).boxed().collect(java.util.stream.Collectors.toList());
        Collections.shuffle(all, random);
        return List.copyOf(all.subList(0, Math.min(count, size)));
    }

    private static int[] labelIndices(List<LabeledText> items, List<String> labels) {
        int[] indices = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            int index = labels.indexOf(items.get(i).label());
            if (index < 0) {
                throw new IllegalArgumentException("train item '" + items.get(i).id() + "' has label '"
                        + items.get(i).label() + "', which is not one of labels " + labels);
            }
            indices[i] = index;
        }
        return indices;
    }

    /** Hex SHA-256 of the settings that change the weights, the labels and the training data. */
    public String fingerprint(List<LabeledText> train, List<String> labels) {
        MessageDigest digest = sha256();
        digest.update(options.describe().getBytes(StandardCharsets.UTF_8));
        digest.update(String.join("\n", labels).getBytes(StandardCharsets.UTF_8));
        for (LabeledText item : train) {
            byte[] text = (item.text() == null ? "" : item.text()).getBytes(StandardCharsets.UTF_8);
            digest.update((text.length + ":" + item.label() + ":").getBytes(StandardCharsets.UTF_8));
            digest.update(text);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
