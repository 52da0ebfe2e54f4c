package dev.sieve.worker.expert;

import java.util.Arrays;

/**
 * A BERT WordPiece tokenizer in plain Java, equal in token ids to HuggingFace tokenizers for the one
 * {@code tokenizer.json} shape {@link WordPieceSpec} accepts (BertNormalizer, BertPreTokenizer,
 * WordPiece, one special token on each side), and about ten times cheaper per character (no
 * alignment tracking, no JNI, no token strings). Added tokens are matched in the raw text first,
 * longest first, as the library does for tokens that are not normalized. A text holding a lone
 * surrogate loses its non-BMP characters, as it does through DJL's binding ({@link
 * BertNormalizer#undecodable}). Thread-safe; each call
 * allocates only its result (scratch buffers are per thread).
 */
final class WordPieceTokenizer implements TokenIds {
    private final BertNormalizer normalizer;
    private final WordPieceVocabulary vocabulary;
    private final WordPieceSpec spec;
    /** Added tokens by their first character, longest first. */
    private final WordPieceSpec.AddedToken[][] addedByFirstChar = new WordPieceSpec.AddedToken[128][];

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    WordPieceTokenizer(WordPieceSpec spec) {
        this.spec = spec;
        this.normalizer =
                new BertNormalizer(spec.cleanText(), spec.chineseChars(), spec.stripAccents(), spec.lowercase());
        this.vocabulary = new WordPieceVocabulary(spec.vocabulary(), spec.continuationPrefix());
        for (WordPieceSpec.AddedToken token : spec.addedTokens()) {
            char first = token.content().charAt(0);
            WordPieceSpec.AddedToken[] list = addedByFirstChar[first];
            list = list == null ? new WordPieceSpec.AddedToken[1] : Arrays.copyOf(list, list.length + 1);
            list[list.length - 1] = token;
            Arrays.sort(list, (a, b) -> b.content().length() - a.content().length());
            addedByFirstChar[first] = list;
        }
    }

    private static final class Scratch {
        char[] word = new char[64];
        long[] ids = new long[256];
        int idCount;
    }

    @Override
    public long[] ids(String text, int from, int to) {
        Scratch s = scratch.get();
        s.idCount = 0;
        add(s, spec.leadingId());
        int wordLength = 0;
        int lone = -1; // whether [from, to) holds a lone surrogate: -1 not yet known
        for (int i = from; i < to; ) {
            char c = text.charAt(i);
            if (c < 128) {
                WordPieceSpec.AddedToken added = addedAt(text, i, to, c);
                if (added != null) {
                    wordLength = flush(s, wordLength);
                    add(s, added.id());
                    i += added.content().length();
                    continue;
                }
                int m = normalizer.ascii(c);
                i++;
                if (m >= 0) {
                    wordLength = feed(s, wordLength, m);
                }
                continue;
            }
            int codePoint = Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))
                    ? Character.toCodePoint(c, text.charAt(i + 1))
                    : c;
            i += Character.charCount(codePoint);
            String normalized;
            if (Character.isSupplementaryCodePoint(codePoint)
                    && (lone < 0 ? (lone = hasLoneSurrogate(text, from, to) ? 1 : 0) : lone) == 1) {
                normalized = normalizer.undecodable(2);
            } else {
                normalized = normalizer.normalize(codePoint);
            }
            for (int j = 0; j < normalized.length(); ) {
                int n = normalized.codePointAt(j);
                j += Character.charCount(n);
                wordLength = feed(s, wordLength, n);
            }
        }
        flush(s, wordLength);
        add(s, spec.trailingId());
        return Arrays.copyOf(s.ids, s.idCount);
    }

    private static boolean hasLoneSurrogate(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private WordPieceSpec.AddedToken addedAt(String text, int at, int to, char first) {
        WordPieceSpec.AddedToken[] candidates = addedByFirstChar[first];
        if (candidates == null) {
            return null;
        }
        for (WordPieceSpec.AddedToken token : candidates) {
            String content = token.content();
            if (at + content.length() <= to && text.startsWith(content, at)) {
                return token;
            }
        }
        return null;
    }

    /** One normalized code point: ends the word (whitespace), stands alone (punctuation) or extends it. */
    private int feed(Scratch s, int wordLength, int codePoint) {
        if (codePoint < 128
                ? codePoint == ' ' || (codePoint >= 9 && codePoint <= 13)
                : BertNormalizer.isWhitespace(codePoint)) {
            return flush(s, wordLength);
        }
        if (BertNormalizer.isPunctuation(codePoint)) {
            flush(s, wordLength);
            int length = Character.toChars(codePoint, s.word, 0);
            flush(s, length);
            return 0;
        }
        if (wordLength + 2 > s.word.length) {
            s.word = Arrays.copyOf(s.word, s.word.length * 2);
        }
        return wordLength + Character.toChars(codePoint, s.word, wordLength);
    }

    /** WordPiece on the word in the scratch buffer: greedy longest pieces, or one unknown token. */
    private int flush(Scratch s, int length) {
        if (length == 0) {
            return 0;
        }
        char[] word = s.word;
        if (length > spec.maxCharsPerWord() && Character.codePointCount(word, 0, length) > spec.maxCharsPerWord()) {
            add(s, spec.unknownId());
            return 0;
        }
        int mark = s.idCount;
        int start = 0;
        while (start < length) {
            int node = start == 0 ? WordPieceVocabulary.START : WordPieceVocabulary.CONTINUATION;
            int bestId = -1;
            int bestEnd = -1;
            for (int j = start; j < length; j++) {
                node = vocabulary.child(node, word[j]);
                if (node < 0) {
                    break;
                }
                int id = vocabulary.id(node);
                if (id >= 0 && !(j + 1 < length && Character.isSurrogatePair(word[j], word[j + 1]))) {
                    bestId = id;
                    bestEnd = j + 1;
                }
            }
            if (bestId < 0) {
                s.idCount = mark;
                add(s, spec.unknownId());
                return 0;
            }
            add(s, bestId);
            start = bestEnd;
        }
        return 0;
    }

    @Override
    public void close() {
        // nothing native to release
    }

    private static void add(Scratch s, long id) {
        if (s.idCount == s.ids.length) {
            s.ids = Arrays.copyOf(s.ids, s.ids.length * 2);
        }
        s.ids[s.idCount++] = id;
    }
}
