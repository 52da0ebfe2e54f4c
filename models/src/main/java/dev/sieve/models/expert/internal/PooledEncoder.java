package dev.sieve.models.expert.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.worker.expert.ExpertTokenizer;
import dev.sieve.worker.expert.PaddedBatch;
import dev.sieve.worker.expert.SessionFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Runs an encoder-with-pooling graph ({@link ExpertGraphBuilder#withPooling}) over many texts:
 * tokenizes them, sorts by length so batches carry little padding, and returns one embedding per text
 * in input order.
 */
public final class PooledEncoder implements AutoCloseable {
    private static final int BATCH = 8;

    private final OrtSession session;
    private final ExpertTokenizer tokenizer;
    private final PaddedBatch batch;

    public PooledEncoder(Path pooledModel, ExpertTokenizer tokenizer, int threads) throws OrtException {
        this.session = SessionFactory.open(pooledModel, -1, threads);
        this.tokenizer = tokenizer;
        this.batch = new PaddedBatch(session.getInputNames());
    }

    public List<float[]> embed(List<String> texts, String phase, ProgressListener progress) throws OrtException {
        List<long[]> ids = texts.parallelStream().map(tokenizer::tokenize).toList();
        return embedTokens(ids, phase, progress);
    }

    public List<float[]> embedTokens(List<long[]> ids, String phase, ProgressListener progress) throws OrtException {
        int[] order = IntStream.range(0, ids.size())
                .boxed()
                .sorted(Comparator.comparingInt(i -> ids.get(i).length))
                .mapToInt(Integer::intValue)
                .toArray();
        float[][] embeddings = new float[ids.size()][];
        progress.onProgress(phase, 0, ids.size());
        for (int start = 0; start < order.length; start += BATCH) {
            int end = Math.min(order.length, start + BATCH);
            List<long[]> rows = new ArrayList<>(end - start);
            for (int k = start; k < end; k++) {
                rows.add(ids.get(order[k]));
            }
            float[][] pooled = run(rows);
            for (int k = start; k < end; k++) {
                embeddings[order[k]] = pooled[k - start];
            }
            progress.onProgress(phase, end, ids.size());
        }
        return List.of(embeddings);
    }

    private float[][] run(List<long[]> rows) throws OrtException {
        Map<String, OnnxTensor> inputs = batch.tensors(rows, null, 0);
        try (OrtSession.Result result = session.run(inputs)) {
            OnnxTensor output =
                    (OnnxTensor) result.get(ExpertGraphBuilder.EMBEDDING).orElseThrow();
            long[] shape = output.getInfo().getShape();
            FloatBuffer values = output.getFloatBuffer();
            float[][] pooled = new float[(int) shape[0]][(int) shape[1]];
            for (float[] row : pooled) {
                values.get(row);
            }
            return pooled;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close ONNX session: " + e.getMessage(), e);
        }
    }
}
