package dev.sieve.worker.expert;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/** Builds ONNX Runtime sessions with the settings Sieve uses everywhere. */
public final class SessionFactory {
    /**
     * Session setting that makes int8 graphs exact on x86 CPUs without VNNI: their uint8 × int8 kernel sums
     * pairs of products in saturating int16 (255 × 127 × 2 overflows), so ONNX Runtime rewrites any int8
     * weight tensor with values outside [-64, 63] as uint8 (a slower kernel, no overflow). Sieve's own int8
     * expert has 7-bit weights, which it leaves alone; a full-range int8 graph would otherwise be wrong.
     */
    public static final String X64_QUANT_PRECISION = "session.x64quantprecision";

    private SessionFactory() {}

    /**
     * @param cudaDevice GPU index, or -1 for CPU
     * @param intraOpThreads threads for one operator
     */
    public static OrtSession open(Path model, int cudaDevice, int intraOpThreads) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // a shared box: do not burn cores spinning between operators
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.addConfigEntry(X64_QUANT_PRECISION, "1");
            if (cudaDevice >= 0) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw new IllegalStateException("device cuda:" + cudaDevice
                            + " was requested but this ONNX Runtime has no CUDA provider; run with "
                            + "com.microsoft.onnxruntime:onnxruntime_gpu on the class path instead of onnxruntime, "
                            + "or use device 'cpu'");
                }
                options.addCUDA(cudaDevice);
            }
            return environment.createSession(model.toString(), options);
        }
    }
}
