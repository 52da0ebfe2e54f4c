package dev.sieve.models.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MimeTextTest {

    private static String decode(String resource) throws IOException {
        try (InputStream in = MimeTextTest.class.getResourceAsStream("/mime/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            return MimeText.decode(in.readAllBytes());
        }
    }

    @Test
    void decode_whenPlainTextWithMboxLine_returnsSubjectAndBodyWithNormalizedWhitespace() throws IOException {
        assertThat(decode("plain.eml")).isEqualTo("Lunch on Friday Hi Bob, shall we meet at noon?");
    }

    @Test
    void decode_whenQuotedPrintableLatin1_decodesBodyAndEncodedWordSubject() throws IOException {
        assertThat(decode("quoted-printable.eml"))
                .isEqualTo("Café menu The café serves crème brûlée and a very long line that is soft-wrapped here.");
    }

    @Test
    void decode_whenBase64Utf8_decodesBodyAndSubject() throws IOException {
        assertThat(decode("base64.eml")).isEqualTo("Gewinn Grüße aus München: free money now!");
    }

    @Test
    void decode_whenHtmlOnly_keepsVisibleTextAndDropsMarkupScriptsAndStyles() throws IOException {
        assertThat(decode("html-only.eml")).isEqualTo("Act now Click here to win today & tomorrow");
    }

    @Test
    void decode_whenMultipartAlternative_prefersThePlainVersion() throws IOException {
        assertThat(decode("alternative.eml")).isEqualTo("Newsletter Plain version of the news.");
    }

    @Test
    void decode_whenCharsetIsUnknown_fallsBackWithoutFailing() throws IOException {
        assertThat(decode("bad-charset.eml")).isEqualTo("Strange charset naïve café text");
    }

    @Test
    void decode_whenMultipartMixedWithAttachment_skipsTheAttachment() throws IOException {
        assertThat(decode("mixed-attachment.eml")).isEqualTo("With attachment See the attached file.");
    }

    @Test
    void decode_whenNotAMessageAtAll_returnsTheTextInsteadOfThrowing() {
        String text = MimeText.decode("just some words\nwithout headers".getBytes(StandardCharsets.UTF_8));
        assertThat(text).doesNotContain("\n");
    }
}
