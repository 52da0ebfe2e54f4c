package dev.sieve.worker.expert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.shared.bundle.ExpertSpec;
import dev.sieve.shared.bundle.ModelBundle;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expert of a model bundle: its {@code tokenizer.json} plus an ONNX graph, served as the manifest's
 * {@link ExpertSpec} declares (output {@code probabilities}, or {@code logits} to which softmax is
 * applied here; whether the graph takes the gate's probabilities; token limits). The declaration is
 * checked against the graph's inputs and outputs when the bundle is opened. Bundles written before the
 * manifest declared the expert carry the same facts in the graph's metadata ({@code sieve.*}).
 */
public final class OnnxExpert implements Expert {
    private static final Pattern CUDA = Pattern.compile("cuda:(\\d+)");
    private static final Set<String> TOKEN_INPUTS = Set.of(
            ExpertGraphContract.INPUT_IDS, ExpertGraphContract.ATTENTION_MASK, ExpertGraphContract.TOKEN_TYPE_IDS);

    private final List<String> labels;
    private final ExpertTokenizer tokenizer;
    private final OrtSession session;
    private final PaddedBatch batch;
    private final ExpertSpec spec;

    private OnnxExpert(List<String> labels, ExpertTokenizer tokenizer, OrtSession session, ExpertSpec spec) {
        this.labels = List.copyOf(labels);
        this.tokenizer = tokenizer;
        this.session = session;
        this.spec = spec;
        this.batch = new PaddedBatch(session.getInputNames());
    }

    /**
     * Where and how the expert runs.
     *
     * @param device {@code cpu} or {@code cuda:N}
     * @param intraOpThreads ONNX Runtime threads per operator
     * @param precision which of the bundle's expert graphs to run
     */
    public record Options(String device, int intraOpThreads, ExpertPrecision precision) {
        public Options {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(precision, "precision");
            if (!device.equals("cpu") && !CUDA.matcher(device).matches()) {
                throw new IllegalArgumentException(
                        "device must be 'cpu' or 'cuda:N' (N = GPU index), got '" + device + "'");
            }
            if (intraOpThreads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
            }
        }

        /** @param int8 run the bundle's {@code expert_int8} graph instead of the fp32 one */
        public Options(String device, int intraOpThreads, boolean int8) {
            this(device, intraOpThreads, int8 ? ExpertPrecision.INT8 : ExpertPrecision.FP32);
        }

        public static Options cpu(int intraOpThreads) {
            return new Options("cpu", intraOpThreads, ExpertPrecision.FP32);
        }

        public Options withInt8(boolean value) {
            return new Options(device, intraOpThreads, value);
        }

        public Options withPrecision(ExpertPrecision value) {
            return new Options(device, intraOpThreads, value);
        }

        public boolean int8() {
            return precision == ExpertPrecision.INT8;
        }

        int cudaDevice() {
            Matcher matcher = CUDA.matcher(device);
            return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
        }
    }

    public static OnnxExpert open(ModelBundle bundle, Options options) {
        Path model = options.precision().graph(bundle, options.cudaDevice() >= 0, options.device());
        Path tokenizerJson = bundle.requireComponent(BundleManifest.TOKENIZER);
        OrtSession session;
        try {
            session = SessionFactory.open(model, options.cudaDevice(), options.intraOpThreads());
        } catch (OrtException e) {
            throw new BundleException(
                    "cannot load the expert graph " + model + " of bundle " + bundle.version() + ": " + e.getMessage(),
                    e);
        }
        try {
            Map<String, String> graphMetadata = session.getMetadata().getCustomMetadata();
            String graphLabels = graphMetadata.get(ExpertGraphContract.META_LABELS);
            if (graphLabels != null && !List.of(graphLabels.split("\n")).equals(bundle.labels())) {
                throw new BundleException("bundle " + bundle.version() + ": the expert graph was trained for labels "
                        + List.of(graphLabels.split("\n")) + " but the manifest lists " + bundle.labels());
            }
            ExpertSpec spec = bundle.expertSpec().orElseGet(() -> legacySpec(session, graphMetadata, model));
            checkGraph(bundle, model, session, spec);
            ExpertTokenizer tokenizer = ExpertTokenizer.open(tokenizerJson, spec.maxTokens(), spec.tailTokens());
            return new OnnxExpert(bundle.labels(), tokenizer, session, spec);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof BundleException bundleException) {
                throw bundleException;
            }
            throw new BundleException(
                    "cannot open the expert of bundle " + bundle.version() + ": " + e.getMessage(), e);
        }
    }

    /** The declaration of a bundle written before manifests declared the expert: from the graph's metadata. */
    private static ExpertSpec legacySpec(OrtSession session, Map<String, String> metadata, Path model) {
        return ExpertSpec.probabilities(
                session.getInputNames().contains(ExpertGraphContract.GATE_PROBABILITIES),
                intMetadata(metadata, ExpertGraphContract.META_MAX_TOKENS, model),
                intMetadata(metadata, ExpertGraphContract.META_TAIL_TOKENS, model));
    }

    private static int intMetadata(Map<String, String> metadata, String key, Path model) {
        String value = metadata.get(key);
        if (value == null) {
            throw new BundleException("expert graph " + model + " lacks metadata '" + key
                    + "' and the bundle's manifest declares no 'expert' (output, gate_feature, max_tokens,"
                    + " tail_tokens); import the graph with 'sieve bundle import'");
        }
        return Integer.parseInt(value);
    }

    /** Refuses a graph whose inputs or outputs differ from what the manifest declares. */
    private static void checkGraph(ModelBundle bundle, Path model, OrtSession session, ExpertSpec spec) {
        String where = "bundle " + bundle.version() + ": the expert graph " + model.getFileName();
        Set<String> inputs = session.getInputNames();
        String output = spec.output().tensorName();
        if (!session.getOutputNames().contains(output)) {
            throw new BundleException(where + " has no output '" + output + "' (the manifest declares expert.output "
                    + spec.output().name().toLowerCase(Locale.ROOT) + "); its outputs are " + session.getOutputNames());
        }
        for (String required : List.of(ExpertGraphContract.INPUT_IDS, ExpertGraphContract.ATTENTION_MASK)) {
            if (!inputs.contains(required)) {
                throw new BundleException(where + " has no input '" + required + "'; its inputs are " + inputs);
            }
        }
        boolean hasGate = inputs.contains(ExpertGraphContract.GATE_PROBABILITIES);
        if (hasGate != spec.gateFeature()) {
            throw new BundleException(where + (hasGate ? " takes" : " does not take") + " the input '"
                    + ExpertGraphContract.GATE_PROBABILITIES + "' but the manifest declares expert.gate_feature "
                    + spec.gateFeature());
        }
        for (String input : inputs) {
            if (!TOKEN_INPUTS.contains(input) && !input.equals(ExpertGraphContract.GATE_PROBABILITIES)) {
                throw new BundleException(where + " has the input '" + input + "', which the worker cannot feed;"
                        + " it feeds " + TOKEN_INPUTS + " and, with the gate feature, "
                        + ExpertGraphContract.GATE_PROBABILITIES);
            }
        }
    }

    /** How the bundle declares this expert is served. */
    public ExpertSpec spec() {
        return spec;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public int maxTokens() {
        return tokenizer.maxTokens();
    }

    /** Whether the head reads the gate's probabilities. */
    public boolean usesGate() {
        return spec.gateFeature();
    }

    @Override
    public ExpertInput prepare(String text, float[] gateProbabilities) {
        if (gateProbabilities != null && gateProbabilities.length != labels.size()) {
            throw new IllegalArgumentException("gateProbabilities has " + gateProbabilities.length
                    + " values but the expert has " + labels.size() + " labels " + labels);
        }
        return new ExpertInput(tokenizer.tokenize(text), spec.gateFeature() ? gateProbabilities : null);
    }

    @Override
    public float[][] predict(List<ExpertInput> inputs) throws ExpertException {
        if (inputs.isEmpty()) {
            return new float[0][];
        }
        List<long[]> ids = new ArrayList<>(inputs.size());
        List<float[]> gate = spec.gateFeature() ? new ArrayList<>(inputs.size()) : null;
        for (ExpertInput input : inputs) {
            if (input.tokens() > maxTokens()) {
                throw new ExpertException("an input has " + input.tokens() + " tokens; this expert accepts at most "
                        + maxTokens() + " (use prepare)");
            }
            ids.add(input.tokenIds());
            if (gate != null) {
                gate.add(input.gateProbabilities());
            }
        }
        Map<String, OnnxTensor> tensors = null;
        try {
            tensors = batch.tensors(ids, gate, labels.size());
            try (OrtSession.Result result = session.run(tensors)) {
                OnnxTensor output =
                        (OnnxTensor) result.get(spec.output().tensorName()).orElseThrow();
                long[] shape = output.getInfo().getShape();
                if (shape.length != 2 || shape[0] != inputs.size() || shape[1] != labels.size()) {
                    throw new ExpertException(
                            "the expert graph's output '" + spec.output().tensorName()
                                    + "' has shape " + Arrays.toString(shape) + "; expected [" + inputs.size() + ", "
                                    + labels.size() + "] (batch, labels " + labels + ")");
                }
                FloatBuffer values = output.getFloatBuffer();
                float[][] probabilities = new float[inputs.size()][labels.size()];
                for (float[] row : probabilities) {
                    values.get(row);
                    if (spec.output() == ExpertSpec.Output.LOGITS) {
                        softmaxInPlace(row);
                    }
                }
                return probabilities;
            }
        } catch (OrtException e) {
            throw new ExpertException(
                    "ONNX Runtime failed on a batch of " + inputs.size() + " items: " + e.getMessage(), e);
        } finally {
            if (tensors != null) {
                tensors.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** Softmax of one row of logits, shifted by the row's maximum so large logits cannot overflow. */
    public static void softmaxInPlace(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < row.length; c++) {
            row[c] = (float) Math.exp(row[c] - max);
            sum += row[c];
        }
        for (int c = 0; c < row.length; c++) {
            row[c] = (float) (row[c] / sum);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
        tokenizer.close();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // closing releases native memory; nothing useful to do if it fails
        }
    }
}
