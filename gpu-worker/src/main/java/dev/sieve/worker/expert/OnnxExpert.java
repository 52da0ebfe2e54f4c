package dev.sieve.worker.expert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.shared.bundle.ModelBundle;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expert of a model bundle: its {@code tokenizer.json} plus the ONNX graph that {@link
 * ExpertTrainer} wrote (encoder + pooling + head, output {@code probabilities}). Token limits come from
 * the graph's metadata; whether the head reads the gate's probabilities comes from the graph's inputs.
 */
public final class OnnxExpert implements Expert {
    private static final Pattern CUDA = Pattern.compile("cuda:(\\d+)");

    private final List<String> labels;
    private final ExpertTokenizer tokenizer;
    private final OrtSession session;
    private final PaddedBatch batch;
    private final boolean usesGate;

    private OnnxExpert(List<String> labels, ExpertTokenizer tokenizer, OrtSession session) {
        this.labels = List.copyOf(labels);
        this.tokenizer = tokenizer;
        this.session = session;
        this.usesGate = session.getInputNames().contains(ExpertGraphContract.GATE_PROBABILITIES);
        this.batch = new PaddedBatch(session.getInputNames());
    }

    /**
     * Where and how the expert runs.
     *
     * @param device {@code cpu} or {@code cuda:N}
     * @param intraOpThreads ONNX Runtime threads per operator
     * @param int8 run the bundle's {@code expert_int8} graph instead of the fp32 one
     */
    public record Options(String device, int intraOpThreads, boolean int8) {
        public Options {
            Objects.requireNonNull(device, "device");
            if (!device.equals("cpu") && !CUDA.matcher(device).matches()) {
                throw new IllegalArgumentException(
                        "device must be 'cpu' or 'cuda:N' (N = GPU index), got '" + device + "'");
            }
            if (intraOpThreads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
            }
        }

        public static Options cpu(int intraOpThreads) {
            return new Options("cpu", intraOpThreads, false);
        }

        public Options withInt8(boolean value) {
            return new Options(device, intraOpThreads, value);
        }

        int cudaDevice() {
            Matcher matcher = CUDA.matcher(device);
            return matcher.matches() ? Integer.parseInt(matcher.group(1)) : -1;
        }
    }

    public static OnnxExpert open(ModelBundle bundle, Options options) {
        String role = options.int8() ? BundleManifest.EXPERT_INT8 : BundleManifest.EXPERT;
        Path model = bundle.requireComponent(role);
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
            int maxTokens = intMetadata(graphMetadata, ExpertGraphContract.META_MAX_TOKENS, model);
            int tailTokens = intMetadata(graphMetadata, ExpertGraphContract.META_TAIL_TOKENS, model);
            String graphLabels = graphMetadata.get(ExpertGraphContract.META_LABELS);
            if (graphLabels != null && !List.of(graphLabels.split("\n")).equals(bundle.labels())) {
                throw new BundleException("bundle " + bundle.version() + ": the expert graph was trained for labels "
                        + List.of(graphLabels.split("\n")) + " but the manifest lists " + bundle.labels());
            }
            if (!session.getOutputNames().contains(ExpertGraphContract.PROBABILITIES)) {
                throw new BundleException("bundle " + bundle.version() + ": the expert graph " + model
                        + " has no output '" + ExpertGraphContract.PROBABILITIES + "'");
            }
            ExpertTokenizer tokenizer = ExpertTokenizer.open(tokenizerJson, maxTokens, tailTokens);
            return new OnnxExpert(bundle.labels(), tokenizer, session);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof BundleException bundleException) {
                throw bundleException;
            }
            throw new BundleException(
                    "cannot open the expert of bundle " + bundle.version() + ": " + e.getMessage(), e);
        }
    }

    private static int intMetadata(Map<String, String> metadata, String key, Path model) {
        String value = metadata.get(key);
        if (value == null) {
            throw new BundleException(
                    "expert graph " + model + " lacks metadata '" + key + "'; it was not written by ExpertTrainer");
        }
        return Integer.parseInt(value);
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
        return usesGate;
    }

    @Override
    public ExpertInput prepare(String text, float[] gateProbabilities) {
        if (gateProbabilities != null && gateProbabilities.length != labels.size()) {
            throw new IllegalArgumentException("gateProbabilities has " + gateProbabilities.length
                    + " values but the expert has " + labels.size() + " labels " + labels);
        }
        return new ExpertInput(tokenizer.tokenize(text), usesGate ? gateProbabilities : null);
    }

    @Override
    public float[][] predict(List<ExpertInput> inputs) throws ExpertException {
        if (inputs.isEmpty()) {
            return new float[0][];
        }
        List<long[]> ids = new ArrayList<>(inputs.size());
        List<float[]> gate = usesGate ? new ArrayList<>(inputs.size()) : null;
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
                OnnxTensor output = (OnnxTensor)
                        result.get(ExpertGraphContract.PROBABILITIES).orElseThrow();
                FloatBuffer values = output.getFloatBuffer();
                float[][] probabilities = new float[inputs.size()][labels.size()];
                for (float[] row : probabilities) {
                    values.get(row);
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
