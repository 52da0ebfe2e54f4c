package dev.sieve.worker.expert;

import java.text.Normalizer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HuggingFace tokenizers' {@code BertNormalizer} and the character classes of its {@code
 * BertPreTokenizer}, one code point at a time, in the library's order: clean text (drop NUL, U+FFFD
 * and "other" characters except tab/newline/return; whitespace becomes a space), pad CJK ideographs
 * with spaces, strip accents (NFD, then drop nonspacing marks), lowercase (full mapping: U+0130 gives
 * two characters). Each step works on single characters, so the normalization of a text is the
 * concatenation of its code points' normalizations; ASCII is answered from a table, other code
 * points from a cache filled on first use. Thread-safe.
 *
 * <p>Canonical reordering of NFD can move a combining mark across another; only marks that survive
 * accent stripping (spacing marks with a nonzero combining class, a few musical symbols) could
 * notice, and none reach a WordPiece vocabulary's known pieces.
 */
final class BertNormalizer {
    /** What an ASCII character becomes: {@code -1} when dropped. */
    private final int[] ascii = new int[128];

    private final AtomicReferenceArray<String> bmp = new AtomicReferenceArray<>(1 << 16);
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    BertNormalizer(boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.chineseChars = chineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
        for (int c = 0; c < 128; c++) {
            String s = compute(c);
            ascii[c] = s.isEmpty() ? -1 : s.charAt(0);
        }
    }

    /** What the ASCII character {@code c} becomes, {@code -1} if dropped. */
    int ascii(char c) {
        return ascii[c];
    }

    /** What the code point becomes: empty when dropped, possibly several characters. */
    String normalize(int codePoint) {
        if (codePoint >= bmp.length()) {
            return compute(codePoint);
        }
        String cached = bmp.get(codePoint);
        if (cached == null) {
            cached = compute(codePoint);
            bmp.set(codePoint, cached);
        }
        return cached;
    }

    /**
     * What the library sees for a code point that DJL's JNI binding could not pass on: when a text holds
     * a lone surrogate, the binding decodes the whole text leniently and every surrogate becomes three
     * U+FFFD (so a lone one gives three, a pair six), which clean text drops.
     */
    String undecodable(int surrogates) {
        return normalize(0xFFFD).repeat(3 * surrogates);
    }

    private String compute(int c) {
        if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
            return undecodable(1);
        }
        if (LibraryUnicodeGaps.isUnassigned(c) || LibraryUnicodeGaps.isPunctuation(c)) {
            return Character.toString(c); // kept as it is: a letter or punctuation to the library
        }
        if (LibraryUnicodeGaps.isNonspacingMark(c)) {
            return stripAccents ? "" : Character.toString(c);
        }
        if (cleanText) {
            if (c == 0 || c == 0xFFFD || isOther(c)) {
                return "";
            }
            if (isWhitespace(c)) {
                return " ";
            }
        }
        String s = Character.toString(c);
        if (stripAccents) {
            s = withoutNonspacingMarks(Normalizer.normalize(s, Normalizer.Form.NFD));
        }
        if (lowercase) {
            s = lowercase(s);
        }
        return chineseChars && isChinese(c) ? " " + s + " " : s;
    }

    private static String withoutNonspacingMarks(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints()
                .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    /** Rust's {@code char::to_lowercase} on each character: the unconditional full mapping. */
    private static String lowercase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp == 0x130) {
                out.append("i\u0307"); // the one unconditional multi-character lowercase mapping
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
        });
        return out.toString();
    }

    /** Control, format and private-use characters (not unassigned ones), tab/newline/return aside. */
    static boolean isOther(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }

    /** Unicode's White_Space property (Rust's {@code char::is_whitespace}). */
    static boolean isWhitespace(int c) {
        return (c >= 0x9 && c <= 0xD)
                || c == 0x20
                || c == 0x85
                || c == 0xA0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000;
    }

    /** ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or a Unicode punctuation category. */
    static boolean isPunctuation(int c) {
        if (c < 128) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        if (LibraryUnicodeGaps.isUnassigned(c) || LibraryUnicodeGaps.isPunctuation(c)) {
            return LibraryUnicodeGaps.isPunctuation(c);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK ideograph blocks BERT pads with spaces (the ranges of HuggingFace tokenizers). */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
