package dev.sieve.gate.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.mode.ModeSelector.RequestedMode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private final RequestValidator validator = new RequestValidator(3);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void assertRejected(String body, String field, String ruleFragment) {
        assertThatThrownBy(() -> validator.parse(utf8(body)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.rule()).contains(ruleFragment);
                });
    }

    @Test
    void parse_whenValid_returnsItemsInOrderAndMode() {
        ClassifyRequest request = validator.parse(
                utf8("{\"items\":[{\"id\":\"a\",\"text\":\"x\"},{\"id\":\"b\",\"text\":\"y\"}],\"mode\":\"async\"}"));
        assertThat(request.items()).extracting(ClassifyRequest.Item::id).containsExactly("a", "b");
        assertThat(request.mode()).isEqualTo(RequestedMode.ASYNC);
    }

    @Test
    void parse_whenTextHasALoneSurrogate_rejectsNamingTheField() {
        assertRejected(
                "{\"items\":[{\"id\":\"a\",\"text\":\"ok\"},{\"id\":\"b\",\"text\":\"x\\ud800y\"}]}",
                "items[1].text",
                "lone surrogate (U+D800) at character 1");
        assertRejected("{\"items\":[{\"id\":\"\\udc00\",\"text\":\"x\"}]}", "items[0].id", "lone surrogate");
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":\"x\\ud83d\"}]}", "items[0].text", "lone surrogate");
    }

    @Test
    void parse_whenTextHasASurrogatePair_acceptsIt() {
        ClassifyRequest request =
                validator.parse(utf8("{\"items\":[{\"id\":\"a\",\"text\":\"smile \\ud83d\\ude00\"}]}"));
        assertThat(request.items().get(0).text()).isEqualTo("smile \uD83D\uDE00");
    }

    @Test
    void parse_whenModeAbsent_defaultsToAuto() {
        assertThat(validator
                        .parse(utf8("{\"items\":[{\"id\":\"a\",\"text\":\"x\"}]}"))
                        .mode())
                .isEqualTo(RequestedMode.AUTO);
    }

    @Test
    void parse_whenGateFallbackGiven_readsItAndDefaultsToFalse() {
        assertThat(validator
                        .parse(utf8("{\"items\":[{\"id\":\"a\",\"text\":\"x\"}],\"allow_gate_fallback\":true}"))
                        .allowGateFallback())
                .isTrue();
        assertThat(validator
                        .parse(utf8("{\"items\":[{\"id\":\"a\",\"text\":\"x\"}]}"))
                        .allowGateFallback())
                .isFalse();
    }

    @Test
    void parse_whenGateFallbackIsNotABoolean_rejectsNamingTheField() {
        assertRejected(
                "{\"items\":[{\"id\":\"a\",\"text\":\"x\"}],\"allow_gate_fallback\":\"yes\"}",
                "allow_gate_fallback",
                "true or false");
    }

    @Test
    void parse_whenMalformedJson_namesBody() {
        assertRejected("{\"items\":[", "body", "must be valid JSON");
    }

    @Test
    void parse_whenEmptyBody_namesBody() {
        assertThatThrownBy(() -> validator.parse(new byte[0]))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("body"));
    }

    @Test
    void parse_whenNotAnObject_namesBody() {
        assertRejected("[1,2]", "body", "JSON object");
    }

    @Test
    void parse_whenItemsMissing_namesItems() {
        assertRejected("{}", "items", "is required");
    }

    @Test
    void parse_whenItemsNotArray_namesItems() {
        assertRejected("{\"items\":\"x\"}", "items", "must be an array");
    }

    @Test
    void parse_whenItemsEmpty_namesItems() {
        assertRejected("{\"items\":[]}", "items", "at least one");
    }

    @Test
    void parse_whenTooManyItems_namesItemsAndCap() {
        assertRejected(
                "{\"items\":[{\"id\":\"a\",\"text\":\"x\"},{\"id\":\"b\",\"text\":\"x\"},{\"id\":\"c\",\"text\":\"x\"},"
                        + "{\"id\":\"d\",\"text\":\"x\"}]}",
                "items",
                "at most 3 items (got 4)");
    }

    @Test
    void parse_whenTextMissing_namesTheItemField() {
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":\"x\"},{\"id\":\"b\"}]}", "items[1].text", "is required");
    }

    @Test
    void parse_whenTextWrongType_namesTheItemField() {
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":5}]}", "items[0].text", "must be a non-empty string");
    }

    @Test
    void parse_whenTextEmpty_namesTheItemField() {
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":\"\"}]}", "items[0].text", "non-empty");
    }

    @Test
    void parse_whenTextTooLarge_namesTheCap() {
        String big = "x".repeat(1024 * 1024 + 1);
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":\"" + big + "\"}]}", "items[0].text", "1048576 bytes");
    }

    @Test
    void parse_whenIdTooLong_namesTheItemId() {
        assertRejected(
                "{\"items\":[{\"id\":\"" + "i".repeat(257) + "\",\"text\":\"x\"}]}", "items[0].id", "256 characters");
    }

    @Test
    void parse_whenDuplicateIds_pointsAtTheFirstUse() {
        assertRejected(
                "{\"items\":[{\"id\":\"a\",\"text\":\"x\"},{\"id\":\"a\",\"text\":\"y\"}]}",
                "items[1].id",
                "items[0] has the same id");
    }

    @Test
    void parse_whenItemNotObject_namesTheItem() {
        assertRejected("{\"items\":[\"hello\"]}", "items[0]", "must be an object");
    }

    @Test
    void parse_whenModeUnknown_namesMode() {
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":\"x\"}],\"mode\":\"fast\"}", "mode", "one of");
    }

    @Test
    void parse_whenModeWrongType_namesMode() {
        assertRejected("{\"items\":[{\"id\":\"a\",\"text\":\"x\"}],\"mode\":1}", "mode", "one of");
    }
}
