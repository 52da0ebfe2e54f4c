package dev.sieve.worker.expert;

/** Text to token ids, special tokens included: the one thing {@link ExpertTokenizer} asks of a tokenizer. */
interface TokenIds extends AutoCloseable {
    /** The ids of {@code text[from, to)} with the leading and the trailing special token. */
    long[] ids(String text, int from, int to);

    @Override
    void close();
}
