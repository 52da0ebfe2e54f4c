package dev.sieve.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsConfigTest {

    @Test
    void fromEnvironment_whenTheBusIsNotSet_namesTheSetting() {
        assertThatThrownBy(() -> EventsConfig.fromEnvironment(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SIEVE_EVENT_BUS_NAME");
    }

    @Test
    void fromEnvironment_readsTheBusAndDefaultsTheNamespace() {
        EventsConfig config = EventsConfig.fromEnvironment(Map.of("SIEVE_EVENT_BUS_NAME", "bus"));
        assertThat(config.busName()).isEqualTo("bus");
        assertThat(config.metricsNamespace()).isEqualTo("Sieve");
    }
}
