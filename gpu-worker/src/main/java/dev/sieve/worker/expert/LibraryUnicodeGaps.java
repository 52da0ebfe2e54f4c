package dev.sieve.worker.expert;

import java.util.Arrays;
import java.util.Set;

/**
 * Where the character tables of the HuggingFace tokenizers library's BERT normalizer and pre-tokenizer
 * (Unicode 8.0) and the JDK's disagree. Most are code points added to Unicode later, which the library
 * treats as unassigned although the JDK knows them as nonspacing marks, punctuation or format
 * characters: it keeps them as letters (no accent stripping, no punctuation split, not dropped). Four
 * changed category since. Found by tokenizing every code point with both engines ({@code
 * WordPieceEquivalenceTest} keeps checking it); a JDK with older tables already calls most of them
 * unassigned, which gives the same ids.
 */
final class LibraryUnicodeGaps {
    private static final String RANGES =
            "061D 07FD 0890-0891 0897-089F 08CA-08E2 09FD-09FE 0A76 0AFA-0AFF 0B55 0C04 0C3C 0C77 0C84 0D00 "
                    + "0D3B-0D3C 0D81 0EBA 0ECE 180F 1885-1886 1ABF-1ACE 1B4E-1B4F 1B7D-1B7F 1DF6-1DFB 2E43-2E4F "
                    + "2E52-2E5D A82C A8C5 A8FF A9BD 10D24-10D27 10D69-10D6E 10EAB-10EAD 10EFC-10EFF 10F46-10F50 "
                    + "10F55-10F59 10F82-10F89 11070 11073-11074 110C2 110CD 111CF 1123E 11241 1133B 113BB-113C0 "
                    + "113CE 113D0 113D2 113D4-113D5 113D7-113D8 113E1-113E2 11438-1143F 11442-11444 11446 1144B-1144F "
                    + "1145A-1145B 1145D-1145E 11660-1166C 116B9 1182F-11837 11839-1183B 1193B-1193C 1193E "
                    + "11943-11946 119D4-119D7 119DA-119DB 119E0 119E2 11A01-11A0A 11A33-11A38 11A3B-11A47 11A51-11A56 "
                    + "11A59-11A5B 11A8A-11A96 11A98-11A9C 11A9E-11AA2 11B00-11B09 11BE1 11C30-11C36 11C38-11C3D 11C3F "
                    + "11C41-11C45 11C70-11C71 11C92-11CA7 11CAA-11CB0 11CB2-11CB3 11CB5-11CB6 11D31-11D36 11D3A "
                    + "11D3C-11D3D 11D3F-11D45 11D47 11D90-11D91 11D95 11D97 11EF3-11EF4 11EF7-11EF8 11F00-11F01 "
                    + "11F36-11F3A 11F40 11F42-11F4F 11F5A 11FFF 12FF1-12FF2 13430-13440 13447-13455 1611E-16129 "
                    + "1612D-1612F 16D6D-16D6F 16E97-16E9A 16F4F 16FE2 16FE4 1CF00-1CF2D 1CF30-1CF46 1E000-1E006 "
                    + "1E008-1E018 1E01B-1E021 1E023-1E024 1E026-1E02A 1E08F 1E130-1E136 1E2AE 1E2EC-1E2EF 1E4EC-1E4EF "
                    + "1E5EE-1E5EF 1E5FF 1E944-1E94A 1E95E-1E95F ";

    /** Punctuation to the library (Unicode 8.0's Po), other symbol or mark to the JDK. */
    private static final Set<Integer> PUNCTUATION = Set.of(0x166D, 0x111C9);
    /** Nonspacing marks to the library (Unicode 8.0's Mn), spacing marks to the JDK. */
    private static final Set<Integer> NONSPACING_MARKS = Set.of(0x1734, 0x1171E);

    /** Sorted first and last code points of each range, interleaved. */
    private static final int[] BOUNDS = parse(RANGES);

    private LibraryUnicodeGaps() {}

    /** Whether the library calls {@code codePoint} punctuation and the JDK does not. */
    static boolean isPunctuation(int codePoint) {
        return PUNCTUATION.contains(codePoint);
    }

    /** Whether the library calls {@code codePoint} a nonspacing mark and the JDK does not. */
    static boolean isNonspacingMark(int codePoint) {
        return NONSPACING_MARKS.contains(codePoint);
    }

    /** Whether the library treats {@code codePoint} as an unassigned code point (a letter, unchanged). */
    static boolean isUnassigned(int codePoint) {
        if (codePoint < BOUNDS[0] || codePoint > BOUNDS[BOUNDS.length - 1]) {
            return false;
        }
        int i = Arrays.binarySearch(BOUNDS, codePoint);
        return i >= 0 || (-i - 1) % 2 == 1; // on a bound, or between a range's first and last
    }

    private static int[] parse(String ranges) {
        String[] items = ranges.trim().split(" +");
        int[] bounds = new int[items.length * 2];
        for (int i = 0; i < items.length; i++) {
            String[] ends = items[i].split("-");
            bounds[2 * i] = Integer.parseInt(ends[0], 16);
            bounds[2 * i + 1] = Integer.parseInt(ends[ends.length - 1], 16);
        }
        return bounds;
    }
}
