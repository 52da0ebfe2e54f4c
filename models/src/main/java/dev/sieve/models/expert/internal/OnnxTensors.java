package dev.sieve.models.expert.internal;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteOrder;

/** Reading ONNX initializers: the one place that decodes a float tensor's data (raw bytes or float_data). */
public final class OnnxTensors {
    private OnnxTensors() {}

    /**
     * The values of a float initializer, little-endian raw data or {@code float_data}.
     *
     * @param reader what reads it, for the error when the data lives in an external file
     */
    public static float[] floats(TensorProto proto, String reader) {
        if (proto.getExternalDataCount() > 0) {
            throw new IllegalArgumentException("initializer '" + proto.getName() + "' keeps its data in an external"
                    + " file; " + reader + " reads single-file ONNX models only");
        }
        if (!proto.getRawData().isEmpty()) {
            var buffer = proto.getRawData()
                    .asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        }
        float[] values = new float[proto.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = proto.getFloatData(i);
        }
        return values;
    }
}
