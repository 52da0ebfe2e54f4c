package dev.sieve.shared.json;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.result.ItemResult;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void read_whenMalformed_saysWhereWithoutEchoingPayload() {
        assertThatThrownBy(() -> Json.read("{\"id\": \"secret-text\", ", ItemResult.class))
                .isInstanceOf(Json.JsonFormatException.class)
                .hasMessageContaining("malformed JSON for ItemResult")
                .hasMessageContaining("line 1");
    }
}
