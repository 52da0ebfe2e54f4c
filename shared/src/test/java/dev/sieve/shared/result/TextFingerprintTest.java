package dev.sieve.shared.result;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextFingerprintTest {

    @Test
    void sha256_whenTextsDifferOnlyInSpacingOrComposition_isTheSame() {
        String base = TextFingerprint.sha256("WIN a free caf\u00e9 trip");

        assertThat(TextFingerprint.sha256("  WIN a\tfree\n\ncafe\u0301 trip \u00a0"))
                .isEqualTo(base);
        assertThat(base).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void sha256_whenCaseOrWordsDiffer_differs() {
        String base = TextFingerprint.sha256("WIN a free trip");

        assertThat(TextFingerprint.sha256("win a free trip")).isNotEqualTo(base);
        assertThat(TextFingerprint.sha256("WIN a free trip!")).isNotEqualTo(base);
        assertThat(TextFingerprint.normalize(" a  b ")).isEqualTo("a b");
    }

    @Test
    void sha256_whenScopesDiffer_differsAndTheEmptyScopeIsTheUnscopedFingerprint() {
        assertThat(TextFingerprint.sha256("acme", "WIN a free trip"))
                .isNotEqualTo(TextFingerprint.sha256("globex", "WIN a free trip"))
                .isEqualTo(TextFingerprint.sha256("acme", "WIN  a free trip"));
        assertThat(TextFingerprint.sha256("", "WIN a free trip")).isEqualTo(TextFingerprint.sha256("WIN a free trip"));
        assertThat(TextFingerprint.sha256("a", "bc")).isNotEqualTo(TextFingerprint.sha256("ab", "c"));
    }
}
