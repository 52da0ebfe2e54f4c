package dev.sieve.models.expert;

/**
 * Sentence encoders shipped in Maven artifacts (langchain4j embedding jars), each with its ONNX
 * graph, its {@code tokenizer.json} and the pooling its authors trained it with.
 */
public enum Encoder {
    MINILM_L6("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN_L2),
    MINILM_L6_INT8("all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", Pooling.MEAN_L2),
    BGE_SMALL("bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", Pooling.CLS),
    BGE_SMALL_INT8("bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json", Pooling.CLS);

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /** Mean over the attention mask, then L2 normalisation (sentence-transformers MiniLM). */
        MEAN_L2,
        /** The first ([CLS]) token's vector (bge). */
        CLS
    }

    private final String onnxResource;
    private final String tokenizerResource;
    private final Pooling pooling;

    Encoder(String onnxResource, String tokenizerResource, Pooling pooling) {
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
    }

    /** Class-path resource of the encoder's ONNX graph. */
    public String onnxResource() {
        return onnxResource;
    }

    /** Class-path resource of the encoder's HuggingFace {@code tokenizer.json}. */
    public String tokenizerResource() {
        return tokenizerResource;
    }

    public Pooling pooling() {
        return pooling;
    }

    public boolean isInt8() {
        return this == MINILM_L6_INT8 || this == BGE_SMALL_INT8;
    }

    /** The int8 (dynamically quantized) twin of an fp32 encoder; an int8 encoder is its own twin. */
    public Encoder int8Twin() {
        return switch (this) {
            case MINILM_L6, MINILM_L6_INT8 -> MINILM_L6_INT8;
            case BGE_SMALL, BGE_SMALL_INT8 -> BGE_SMALL_INT8;
        };
    }
}
