package dev.sieve.shared.result;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.json.Json;
import org.junit.jupiter.api.Test;

class ItemResultTest {

    @Test
    void json_whenAFallbackIsRoundTripped_keepsTierAndReason() {
        ItemResult fallback = new ItemResult(
                "a", "ham", 0.6, Tier.GATE_FALLBACK, "ham", 0.6, null, ItemResult.REASON_DEADLINE_PASSED);

        String json = Json.write(fallback);

        assertThat(json).contains("\"tier\":\"GATE_FALLBACK\"").contains("\"reason\":\"deadline_passed\"");
        assertThat(Json.read(json, ItemResult.class)).isEqualTo(fallback);
    }

    @Test
    void json_whenStoredBeforeReasonsExisted_readsWithoutAReason() {
        ItemResult back = Json.read(
                "{\"id\":\"a\",\"label\":\"spam\",\"confidence\":0.9,\"tier\":\"EXPERT\",\"gate_label\":\"ham\","
                        + "\"gate_confidence\":0.55}",
                ItemResult.class);

        assertThat(back).isEqualTo(ItemResult.expert("a", "spam", 0.9, "ham", 0.55));
        assertThat(back.reason()).isNull();
    }
}
