package dev.sieve.shared.result;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * The response cache's identity of a text: SHA-256 (hex) of its normalized form. Normalized = Unicode
 * NFC, every run of whitespace one space, no leading or trailing whitespace; case is kept (a cased
 * tokenizer tells "FREE" from "free"). Two texts that differ only in spacing or Unicode composition get
 * the same expert answer; anything else is a different text.
 */
public final class TextFingerprint {
    private TextFingerprint() {}

    public static String sha256(String text) {
        return sha256("", text);
    }

    /**
     * The fingerprint of a text within a scope (a tenant's name, or empty for one shared by all): the same
     * text in two scopes gets two fingerprints, so the cache never answers one tenant from another's item.
     */
    public static String sha256(String scope, String text) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        if (!scope.isEmpty()) {
            // NUL cannot occur in a tenant name, so "a" + "\0b" and "a\0" + "b" never collide.
            digest.update(scope.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest(normalize(text).getBytes(StandardCharsets.UTF_8)));
    }

    static String normalize(String text) {
        String nfc = Normalizer.isNormalized(text, Normalizer.Form.NFC)
                ? text
                : Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(nfc.length());
        boolean pendingSpace = false;
        for (int i = 0; i < nfc.length(); i++) {
            char c = nfc.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
        }
        return out.toString();
    }
}
