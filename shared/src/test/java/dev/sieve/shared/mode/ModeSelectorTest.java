package dev.sieve.shared.mode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.mode.ModeSelector.Mode;
import dev.sieve.shared.mode.ModeSelector.RequestedMode;
import org.junit.jupiter.api.Test;

class ModeSelectorTest {
    private final ModeSelector selector = new ModeSelector(100, 1_000_000);

    @Test
    void select_whenAutoAndSmall_choosesRealtime() {
        assertThat(selector.select(10_000, 20, RequestedMode.AUTO).mode()).isEqualTo(Mode.REALTIME);
    }

    @Test
    void select_whenAutoAndTooManyItems_choosesAsyncWithReason() {
        ModeSelector.Selection selection = selector.select(10_000, 101, RequestedMode.AUTO);
        assertThat(selection.mode()).isEqualTo(Mode.ASYNC);
        assertThat(selection.reason()).contains("101 items").contains("100");
    }

    @Test
    void select_whenAutoAndBodyTooLarge_choosesAsync() {
        ModeSelector.Selection selection = selector.select(1_000_001, 1, null);
        assertThat(selection.mode()).isEqualTo(Mode.ASYNC);
        assertThat(selection.reason()).contains("1000001 bytes");
    }

    @Test
    void select_whenAsyncRequested_choosesAsyncEvenIfSmall() {
        assertThat(selector.select(10, 1, RequestedMode.ASYNC).mode()).isEqualTo(Mode.ASYNC);
    }

    @Test
    void select_whenRealtimeRequestedButTooLarge_fallsBackToAsyncAndSaysSo() {
        ModeSelector.Selection selection = selector.select(10, 500, RequestedMode.REALTIME);
        assertThat(selection.mode()).isEqualTo(Mode.ASYNC);
        assertThat(selection.reason()).startsWith("mode=realtime requested but");
    }

    @Test
    void select_whenAtTheLimits_staysRealtime() {
        assertThat(selector.select(1_000_000, 100, RequestedMode.REALTIME).mode())
                .isEqualTo(Mode.REALTIME);
    }

    @Test
    void parse_whenUnknownName_returnsNull() {
        assertThat(RequestedMode.parse("fast")).isNull();
        assertThat(RequestedMode.parse("async")).isEqualTo(RequestedMode.ASYNC);
    }
}
