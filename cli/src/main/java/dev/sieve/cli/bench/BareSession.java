package dev.sieve.cli.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.worker.expert.ExpertInput;
import dev.sieve.worker.expert.OnnxExpert;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bare side of {@code sieve bench worker}: a plain ONNX Runtime session on the expert's graph (same
 * threads, no spinning, optimisation level ALL) that runs the batches the worker formed, with none of
 * the worker around it. One session serves every round, like the worker's expert; {@link #warm} runs
 * each batch shape the session has not seen once (ONNX Runtime plans memory per input shape), so that
 * neither side is timed on its first run of a shape.
 */
final class BareSession implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Set<List<Integer>> shapes = new HashSet<>();

    private BareSession(OrtSession session) {
        this.session = session;
    }

    static BareSession open(ModelBundle bundle, OnnxExpert.Options options) throws OrtException {
        Path model = options.precision().graph(bundle, options.device().startsWith("cuda:"), options.device());
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            // as the worker's sessions: exact int8 on x86 CPUs without VNNI (SessionFactory)
            so.addConfigEntry(dev.sieve.worker.expert.SessionFactory.X64_QUANT_PRECISION, "1");
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.device().startsWith("cuda:")) {
                so.addCUDA(Integer.parseInt(options.device().substring(5)));
            }
            return new BareSession(OrtEnvironment.getEnvironment().createSession(model.toString(), so));
        }
    }

    /** Runs, untimed, each batch whose shape (rows, longest sequence) this session has not run yet. */
    void warm(List<List<ExpertInput>> batches) throws OrtException {
        for (List<ExpertInput> batch : batches) {
            if (shapes.add(shape(batch))) {
                run(batch);
            }
        }
    }

    /** Runs every batch, in order. */
    void runAll(List<List<ExpertInput>> batches) throws OrtException {
        for (List<ExpertInput> batch : batches) {
            shapes.add(shape(batch));
            run(batch);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    private static List<Integer> shape(List<ExpertInput> batch) {
        int length = 0;
        for (ExpertInput input : batch) {
            length = Math.max(length, input.tokens());
        }
        return List.of(batch.size(), length);
    }

    private void run(List<ExpertInput> batch) throws OrtException {
        int rows = batch.size();
        int length = 0;
        for (ExpertInput input : batch) {
            length = Math.max(length, input.tokens());
        }
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        float[] gate = null;
        int labels = 0;
        for (int r = 0; r < rows; r++) {
            long[] tokens = batch.get(r).tokenIds();
            System.arraycopy(tokens, 0, ids, r * length, tokens.length);
            for (int t = 0; t < tokens.length; t++) {
                mask[r * length + t] = 1;
            }
            float[] g = batch.get(r).gateProbabilities();
            if (g != null) {
                labels = g.length;
            }
        }
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            long[] shape = {rows, length};
            for (String name : session.getInputNames()) {
                if (name.contains("input_ids")) {
                    inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                } else if (name.contains("attention_mask")) {
                    inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                } else if (name.contains("token_type_ids")) {
                    inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * length]), shape));
                } else {
                    int width = labels > 0 ? labels : 2;
                    gate = new float[rows * width];
                    for (int r = 0; r < rows; r++) {
                        float[] g = batch.get(r).gateProbabilities();
                        for (int c = 0; c < width; c++) {
                            gate[r * width + c] = g == null ? 1f / width : g[c];
                        }
                    }
                    inputs.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(gate), new long[] {rows, width}));
                }
            }
            try (OrtSession.Result result = session.run(inputs)) {
                result.get(0);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
