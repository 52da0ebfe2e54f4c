package dev.sieve.shared.bundle;

/**
 * What a bundle's expert ONNX graph exchanges with the worker that serves it: tensor names and the
 * metadata keys a Sieve-trained graph carries. The one home of these names for the trainer (the
 * {@code models} module) and the server ({@code gpu-worker}); the names of the token inputs and of
 * {@value #LOGITS} / {@value #LAST_HIDDEN_STATE} are those of a standard Hugging Face export.
 */
public final class ExpertGraphContract {
    /** {@code int64 [batch, tokens]}: token ids, padded with 0. */
    public static final String INPUT_IDS = "input_ids";

    /** {@code int64 [batch, tokens]}: 1 for a real token, 0 for padding. */
    public static final String ATTENTION_MASK = "attention_mask";

    /** {@code int64 [batch, tokens]}: all 0 (one segment); fed only when the graph declares it. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    /**
     * {@code float [batch, classes]}: the gate's probabilities in label order; an input only of graphs
     * whose head reads the gate's scores.
     */
    public static final String GATE_PROBABILITIES = "gate_probabilities";

    /** {@code float [batch, classes]}: class probabilities (a Sieve-trained graph ends in Softmax). */
    public static final String PROBABILITIES = "probabilities";

    /** {@code float [batch, classes]}: unnormalized scores (a Hugging Face sequence-classification export). */
    public static final String LOGITS = "logits";

    /** {@code float [batch, tokens, hidden]}: an encoder-only export's output, which training pools. */
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";

    /** Keys of the ONNX metadata properties of a Sieve-trained graph. */
    public static final String META_MAX_TOKENS = "sieve.max_tokens";

    public static final String META_TAIL_TOKENS = "sieve.tail_tokens";
    public static final String META_LABELS = "sieve.labels";
    public static final String META_ENCODER = "sieve.encoder";

    /** File names of the expert's components inside a bundle directory. */
    public static final String EXPERT_FILE = "expert.onnx";

    public static final String EXPERT_INT8_FILE = "expert-int8.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private ExpertGraphContract() {}
}
