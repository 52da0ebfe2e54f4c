package dev.sieve.worker.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.worker.expert.ExpertTokenizer;
import dev.sieve.worker.expert.PaddedBatch;
import dev.sieve.worker.expert.SessionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Real expert graphs for the worker's tests, made without the training stack: the MiniLM encoder
 * (from the langchain4j jar, a test dependency) with sum pooling, L2 normalisation and a
 * nearest-centroid linear head appended, the layout of a Hugging Face sequence-classification export
 * ({@code input_ids}, {@code attention_mask}, {@code token_type_ids} → {@code logits}). The head's rows
 * are the normalised class centroids of the given texts, so the graph separates them.
 */
public final class ClassifierGraphs {
    public static final String ENCODER_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** Logit scale: cosine similarities (in [-1, 1]) times this give confident but finite probabilities. */
    private static final float SCALE = 20f;

    private static final String EMBEDDING = "test_embedding";

    private ClassifierGraphs() {}

    /** What the graph's output is. */
    public enum Output {
        /** {@code logits} [batch, classes], as a Hugging Face export. */
        LOGITS,
        /** {@code probabilities} [batch, classes]: Softmax appended, as a Sieve-trained graph. */
        PROBABILITIES
    }

    /** A class-path resource of the MiniLM jar, copied once into {@code cacheDir}. */
    public static Path resource(String name, Path cacheDir) {
        Path target = cacheDir.resolve(name);
        try (InputStream in = ClassifierGraphs.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("class-path resource " + name + " is missing");
            }
            if (Files.isRegularFile(target)) {
                return target;
            }
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, name, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a classifier graph to {@code target}.
     *
     * @param texts texts whose class centroids become the head
     * @param classOf class index of each text
     * @param gateInput also take {@code gate_probabilities} [batch, classes] (added to the logits, scaled)
     * @param metadata ONNX metadata properties to set
     */
    public static void write(
            Path cacheDir,
            int classes,
            List<String> texts,
            int[] classOf,
            Output output,
            boolean gateInput,
            Map<String, String> metadata,
            Path target) {
        ModelProto encoder = load(resource(ENCODER_RESOURCE, cacheDir));
        try {
            float[][] centroids = centroids(encoder, cacheDir, texts, classOf, classes);
            save(classifier(encoder, centroids, output, gateInput, metadata), target);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[][] centroids(
            ModelProto encoder, Path cacheDir, List<String> texts, int[] classOf, int classes) throws OrtException {
        Path pooled = cacheDir.resolve("minilm-pooled-test.onnx");
        save(pooledOnly(encoder), pooled);
        float[][] sums = null;
        try (ExpertTokenizer tokenizer = ExpertTokenizer.open(resource(TOKENIZER_RESOURCE, cacheDir), 64, 0);
                OrtSession session = SessionFactory.open(pooled, -1, 1)) {
            PaddedBatch batch = new PaddedBatch(session.getInputNames());
            for (int i = 0; i < texts.size(); i++) {
                Map<String, OnnxTensor> inputs = batch.tensors(List.of(tokenizer.tokenize(texts.get(i))), null, 0);
                try (OrtSession.Result result = session.run(inputs)) {
                    FloatBuffer values = ((OnnxTensor) result.get(EMBEDDING).orElseThrow()).getFloatBuffer();
                    float[] row = new float[values.remaining()];
                    values.get(row);
                    if (sums == null) {
                        sums = new float[classes][row.length];
                    }
                    for (int d = 0; d < row.length; d++) {
                        sums[classOf[i]][d] += row[d];
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
        for (float[] sum : sums) {
            double norm = 0;
            for (float v : sum) {
                norm += v * v;
            }
            float inverse = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < sum.length; d++) {
                sum[d] *= inverse;
            }
        }
        return sums;
    }

    private static ModelProto pooledOnly(ModelProto encoder) {
        Builder b = new Builder(encoder);
        String embedding = b.pool();
        b.graph.addNode(b.node("Identity", List.of(embedding), EMBEDDING, List.of()));
        b.graph.addOutput(floatMatrix(EMBEDDING, -1));
        return encoder.toBuilder().setGraph(b.graph).build();
    }

    private static ModelProto classifier(
            ModelProto encoder, float[][] centroids, Output output, boolean gateInput, Map<String, String> metadata) {
        int classes = centroids.length;
        int dim = centroids[0].length;
        float[] weights = new float[dim * classes];
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < dim; d++) {
                weights[d * classes + c] = SCALE * centroids[c][d];
            }
        }
        Builder b = new Builder(encoder);
        String h = b.pool();
        h = b.op("MatMul", List.of(h, b.constant(weights, dim, classes)), List.of());
        if (gateInput) {
            b.graph.addInput(floatMatrix(ExpertGraphContract.GATE_PROBABILITIES, classes));
            String scaled = b.op(
                    "Mul", List.of(ExpertGraphContract.GATE_PROBABILITIES, b.constant(new float[] {1f})), List.of());
            h = b.op("Add", List.of(h, scaled), List.of());
        }
        String name = output == Output.LOGITS ? ExpertGraphContract.LOGITS : ExpertGraphContract.PROBABILITIES;
        if (output == Output.LOGITS) {
            b.graph.addNode(b.node("Identity", List.of(h), name, List.of()));
        } else {
            b.graph.addNode(b.node("Softmax", List.of(h), name, List.of(intAttribute("axis", 1))));
        }
        b.graph.addOutput(floatMatrix(name, classes));
        ModelProto.Builder model = encoder.toBuilder().setGraph(b.graph);
        metadata.forEach((key, value) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    /** Appends nodes to a copy of the encoder's graph; only opset-stable operators with attribute forms. */
    private static final class Builder {
        private final GraphProto.Builder graph;
        private int counter;

        Builder(ModelProto encoder) {
            graph = encoder.getGraph().toBuilder().clearOutput();
        }

        /** Masked sum over tokens (a batched MatMul), then L2 normalisation: mean pooling up to a scale. */
        String pool() {
            String mask = op(
                    "Cast",
                    List.of(ExpertGraphContract.ATTENTION_MASK),
                    List.of(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
            String mask3 = op("Reshape", List.of(mask, constantLong(0, 1, -1)), List.of());
            String summed = op("MatMul", List.of(mask3, ExpertGraphContract.LAST_HIDDEN_STATE), List.of());
            String flat = op("Reshape", List.of(summed, constantLong(0, -1)), List.of());
            return op("LpNormalization", List.of(flat), List.of(intAttribute("axis", 1), intAttribute("p", 2)));
        }

        String op(String type, List<String> inputs, List<AttributeProto> attributes) {
            String output = "test_" + type.toLowerCase() + "_" + (counter++);
            graph.addNode(node(type, inputs, output, attributes));
            return output;
        }

        NodeProto node(String type, List<String> inputs, String output, List<AttributeProto> attributes) {
            return NodeProto.newBuilder()
                    .setOpType(type)
                    .setName("test_node_" + (counter++))
                    .addAllInput(inputs)
                    .addOutput(output)
                    .addAllAttribute(attributes)
                    .build();
        }

        String constant(float[] values, long... shape) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            return initializer(TensorProto.DataType.FLOAT_VALUE, bytes, shape);
        }

        String constantLong(long... values) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asLongBuffer().put(values);
            return initializer(TensorProto.DataType.INT64_VALUE, bytes, values.length);
        }

        private String initializer(int dataType, ByteBuffer bytes, long... shape) {
            String name = "test_const_" + (counter++);
            TensorProto.Builder tensor = TensorProto.newBuilder()
                    .setName(name)
                    .setDataType(dataType)
                    .setRawData(ByteString.copyFrom(bytes.array()));
            for (long dim : shape) {
                tensor.addDims(dim);
            }
            graph.addInitializer(tensor);
            return name;
        }
    }

    private static ModelProto load(Path onnx) {
        try (InputStream in = Files.newInputStream(onnx)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(coded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void save(ModelProto model, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    private static ValueInfoProto floatMatrix(String name, long columns) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size"));
        if (columns < 0) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("dim"));
        } else {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }
}
