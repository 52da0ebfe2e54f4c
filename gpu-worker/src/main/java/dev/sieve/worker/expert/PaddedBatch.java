package dev.sieve.worker.expert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.sieve.shared.bundle.ExpertGraphContract;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the encoder's input tensors for one batch, padded to the batch's longest sequence, from
 * direct buffers reused across batches (ONNX Runtime reads direct buffers without copying). Not
 * thread-safe: one instance per inference thread.
 */
public final class PaddedBatch {
    public static final String INPUT_IDS = "input_ids";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final Set<String> inputNames;
    private LongBuffer ids = LongBuffer.allocate(0);
    private LongBuffer mask = LongBuffer.allocate(0);
    private LongBuffer types = LongBuffer.allocate(0);
    private FloatBuffer gate = FloatBuffer.allocate(0);

    public PaddedBatch(Set<String> inputNames) {
        this.inputNames = Set.copyOf(inputNames);
    }

    /**
     * Tensors for the batch; the caller closes them after the run.
     *
     * @param gateProbabilities one row per item (null rows become uniform), or null when the graph has no gate input
     * @param gateClasses width of the gate input
     */
    public Map<String, OnnxTensor> tensors(List<long[]> tokenIds, List<float[]> gateProbabilities, int gateClasses)
            throws OrtException {
        int batch = tokenIds.size();
        int length = 1;
        for (long[] row : tokenIds) {
            length = Math.max(length, row.length);
        }
        int cells = batch * length;
        ids = ensure(ids, cells);
        mask = ensure(mask, cells);
        types = ensure(types, cells);
        for (long[] row : tokenIds) {
            for (int t = 0; t < length; t++) {
                boolean real = t < row.length;
                ids.put(real ? row[t] : 0L);
                mask.put(real ? 1L : 0L);
                types.put(0L);
            }
        }
        ids.flip();
        mask.flip();
        types.flip();
        long[] shape = {batch, length};
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            tensors.put(INPUT_IDS, OnnxTensor.createTensor(environment, ids, shape));
            tensors.put(ExpertGraphContract.ATTENTION_MASK, OnnxTensor.createTensor(environment, mask, shape));
            if (inputNames.contains(TOKEN_TYPE_IDS)) {
                tensors.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, types, shape));
            }
            if (inputNames.contains(ExpertGraphContract.GATE_PROBABILITIES)) {
                gate = ensureFloat(gate, batch * gateClasses);
                for (int i = 0; i < batch; i++) {
                    float[] row = gateProbabilities == null ? null : gateProbabilities.get(i);
                    for (int c = 0; c < gateClasses; c++) {
                        gate.put(row == null ? 1f / gateClasses : row[c]);
                    }
                }
                gate.flip();
                tensors.put(
                        ExpertGraphContract.GATE_PROBABILITIES,
                        OnnxTensor.createTensor(environment, gate, new long[] {batch, gateClasses}));
            }
            return tensors;
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private static LongBuffer ensure(LongBuffer buffer, int cells) {
        if (buffer.capacity() < cells) {
            buffer = ByteBuffer.allocateDirect(Math.max(cells, buffer.capacity() * 2) * Long.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asLongBuffer();
        }
        buffer.clear();
        buffer.limit(cells);
        return buffer;
    }

    private static FloatBuffer ensureFloat(FloatBuffer buffer, int cells) {
        if (buffer.capacity() < cells) {
            buffer = ByteBuffer.allocateDirect(Math.max(cells, buffer.capacity() * 2) * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        buffer.clear();
        buffer.limit(cells);
        return buffer;
    }
}
