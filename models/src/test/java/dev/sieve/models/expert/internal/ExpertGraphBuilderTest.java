package dev.sieve.models.expert.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sieve.models.expert.Encoder;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.worker.expert.PaddedBatch;
import dev.sieve.worker.expert.SessionFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graph surgery on a tiny synthetic "encoder" ({@code last_hidden_state = Gather(table, input_ids)}),
 * so pooling and head can be checked exactly against Java arithmetic.
 */
class ExpertGraphBuilderTest {
    private static final int VOCABULARY = 20;
    private static final int DIMENSION = 6;
    private static final int CLASSES = 3;

    @TempDir
    Path directory;

    private final Random random = new Random(11);
    private final float[][] table = randomMatrix(VOCABULARY, DIMENSION);
    private final List<long[]> batch = List.of(new long[] {1, 5, 7, 2}, new long[] {1, 9, 2}, new long[] {1, 2});

    @ParameterizedTest
    @ValueSource(ints = {11, 13})
    void withPooling_whenMeanL2_matchesJavaMeanOverMaskThenL2(int opset) throws Exception {
        ModelProto model = ExpertGraphBuilder.withPooling(syntheticEncoder(opset), Encoder.Pooling.MEAN_L2);

        float[][] embeddings = run(model, ExpertGraphBuilder.EMBEDDING, null, DIMENSION);

        for (int i = 0; i < batch.size(); i++) {
            assertThat(embeddings[i]).containsExactly(meanL2(batch.get(i)), org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 13})
    void withPooling_whenCls_returnsFirstTokenVector(int opset) throws Exception {
        ModelProto model = ExpertGraphBuilder.withPooling(syntheticEncoder(opset), Encoder.Pooling.CLS);

        float[][] embeddings = run(model, ExpertGraphBuilder.EMBEDDING, null, DIMENSION);

        for (int i = 0; i < batch.size(); i++) {
            assertThat(embeddings[i]).containsExactly(table[(int) batch.get(i)[0]]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 13})
    void withHead_whenHeadReadsGate_matchesJavaHead(int opset) throws Exception {
        DenseHead head = new DenseHead(
                List.of(
                        new DenseHead.Layer(randomMatrix(DIMENSION + CLASSES, 5), randomVector(5)),
                        new DenseHead.Layer(randomMatrix(5, CLASSES), randomVector(CLASSES))),
                DIMENSION,
                CLASSES);
        ModelProto model = ExpertGraphBuilder.withHead(
                syntheticEncoder(opset), Encoder.Pooling.MEAN_L2, head, Map.of("sieve.max_tokens", "8"));
        List<float[]> gate = java.util.Arrays.asList(new float[] {0.7f, 0.2f, 0.1f}, new float[] {0f, 1f, 0f}, null);

        float[][] probabilities = run(model, ExpertGraphContract.PROBABILITIES, gate, CLASSES);

        for (int i = 0; i < batch.size(); i++) {
            float[] expected = head.probabilities(meanL2(batch.get(i)), gate.get(i));
            assertThat(probabilities[i]).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(model.getMetadataPropsList()).anyMatch(p -> p.getKey().equals("sieve.max_tokens"));
        assertThat(model.getGraph().getOutputList())
                .extracting(ValueInfoProto::getName)
                .containsExactly(ExpertGraphContract.PROBABILITIES);
    }

    @ParameterizedTest
    @ValueSource(ints = {11})
    void withHead_whenHeadIgnoresGate_hasNoGateInput(int opset) throws Exception {
        DenseHead head =
                new DenseHead(List.of(new DenseHead.Layer(randomMatrix(DIMENSION, 2), randomVector(2))), DIMENSION, 0);
        ModelProto model = ExpertGraphBuilder.withHead(syntheticEncoder(opset), Encoder.Pooling.CLS, head, Map.of());

        float[][] probabilities = run(model, ExpertGraphContract.PROBABILITIES, null, 2);

        assertThat(model.getGraph().getInputList())
                .extracting(ValueInfoProto::getName)
                .doesNotContain(ExpertGraphContract.GATE_PROBABILITIES);
        for (int i = 0; i < batch.size(); i++) {
            float[] expected = head.probabilities(table[(int) batch.get(i)[0]], null);
            assertThat(probabilities[i]).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {11})
    void withPooling_whenEncoderLacksHiddenState_explainsWhatIsMissing(int opset) {
        ModelProto model = syntheticEncoder(opset);
        ModelProto renamed = model.toBuilder()
                .setGraph(model.getGraph().toBuilder()
                        .setOutput(0, model.getGraph().getOutput(0).toBuilder().setName("other")))
                .build();

        assertThatThrownBy(() -> ExpertGraphBuilder.withPooling(renamed, Encoder.Pooling.CLS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("last_hidden_state");
    }

    private float[][] run(ModelProto model, String output, List<float[]> gate, int width) throws OrtException {
        Path file = directory.resolve("model-" + System.nanoTime() + ".onnx");
        ExpertGraphBuilder.save(model, file);
        try (OrtSession session = SessionFactory.open(file, -1, 1)) {
            PaddedBatch padded = new PaddedBatch(session.getInputNames());
            Map<String, OnnxTensor> inputs = padded.tensors(batch, gate, CLASSES);
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer values = ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
                float[][] rows = new float[batch.size()][width];
                for (float[] row : rows) {
                    values.get(row);
                }
                return rows;
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private float[] meanL2(long[] ids) {
        float[] sum = new float[DIMENSION];
        for (long id : ids) {
            for (int d = 0; d < DIMENSION; d++) {
                sum[d] += table[(int) id][d];
            }
        }
        float norm = 0;
        for (int d = 0; d < DIMENSION; d++) {
            sum[d] /= ids.length;
            norm += sum[d] * sum[d];
        }
        norm = (float) Math.sqrt(norm);
        for (int d = 0; d < DIMENSION; d++) {
            sum[d] /= norm;
        }
        return sum;
    }

    /** input_ids, attention_mask, token_type_ids → last_hidden_state = table[input_ids]. */
    private ModelProto syntheticEncoder(int opset) {
        ByteBufferFloats flat = new ByteBufferFloats(table);
        GraphProto graph = GraphProto.newBuilder()
                .setName("synthetic")
                .addInput(tensor("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addInput(tensor("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addInput(tensor("token_type_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
                .addInitializer(TensorProto.newBuilder()
                        .setName("table")
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(VOCABULARY)
                        .addDims(DIMENSION)
                        .addAllFloatData(flat.values()))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Gather")
                        .addInput("table")
                        .addInput("input_ids")
                        .addOutput("last_hidden_state"))
                .addOutput(tensor("last_hidden_state", TensorProto.DataType.FLOAT_VALUE, "batch", "sequence", "384"))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(opset >= 13 ? 7 : 6)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    private static ValueInfoProto tensor(String name, int type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String dim : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dim));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    private record ByteBufferFloats(float[][] matrix) {
        List<Float> values() {
            List<Float> out = new java.util.ArrayList<>();
            for (float[] row : matrix) {
                for (float v : row) {
                    out.add(v);
                }
            }
            return out;
        }
    }

    private float[][] randomMatrix(int rows, int columns) {
        float[][] m = new float[rows][columns];
        for (float[] row : m) {
            for (int c = 0; c < columns; c++) {
                row[c] = (float) random.nextGaussian();
            }
        }
        return m;
    }

    private float[] randomVector(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
