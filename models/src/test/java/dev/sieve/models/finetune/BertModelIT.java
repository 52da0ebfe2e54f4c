package dev.sieve.models.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.sieve.models.expert.Encoder;
import dev.sieve.models.expert.ProgressListener;
import dev.sieve.models.expert.internal.ExpertGraphBuilder;
import dev.sieve.models.expert.internal.PooledEncoder;
import dev.sieve.models.finetune.internal.BertModel;
import dev.sieve.models.finetune.internal.BertWeights;
import dev.sieve.models.finetune.internal.FineTuneEngine;
import dev.sieve.models.finetune.internal.TokenBatch;
import dev.sieve.worker.expert.ExpertTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java forward pass of the real MiniLM encoder against ONNX Runtime on the same weights. */
class BertModelIT {
    static final Path CACHE = Path.of("target", "finetune-it-cache");

    @TempDir
    Path dir;

    @Test
    void pooled_matchesOnnxRuntimeOnTheOriginalWeights() throws Exception {
        Encoder encoder = Encoder.MINILM_L6;
        ModelProto onnx = ExpertGraphBuilder.load(encoder.onnxFile(CACHE));
        BertWeights weights = BertWeights.read(onnx);
        assertThat(weights.layers()).isEqualTo(6);
        assertThat(weights.hidden()).isEqualTo(384);
        assertThat(weights.heads()).isEqualTo(12);
        List<String> texts = List.of(
                "Get rich quick! Click here to claim your free prize.",
                "Hi Bob, the meeting moved to Thursday at 10.",
                "short",
                "The quarterly report is attached; let me know if the numbers look right to you.");
        try (ExpertTokenizer tokenizer = ExpertTokenizer.open(encoder.tokenizerFile(CACHE), 32, 8);
                NDManager manager = NDManager.newBaseManager(FineTuneEngine.device(), FineTuneEngine.NAME)) {
            List<long[]> ids = texts.stream().map(tokenizer::tokenize).toList();
            BertModel model = BertModel.load(weights, encoder.pooling(), manager);
            float[][] java;
            try (TokenBatch batch = TokenBatch.of(ids, manager)) {
                NDArray pooled = model.pooled(batch.ids(), batch.mask(), 0f);
                java = FineTuneEngine.rows(pooled);
            }
            Path pooledGraph = dir.resolve("pooled.onnx");
            ExpertGraphBuilder.save(ExpertGraphBuilder.withPooling(onnx, encoder.pooling()), pooledGraph);
            List<float[]> ort;
            try (PooledEncoder session = new PooledEncoder(pooledGraph, tokenizer, 2)) {
                ort = session.embedTokens(ids, "verify", ProgressListener.silent());
            }
            assertThat(EncoderFineTuner.maxAbsDiff(List.of(java), ort)).isLessThan(1e-4);
        }
    }
}
