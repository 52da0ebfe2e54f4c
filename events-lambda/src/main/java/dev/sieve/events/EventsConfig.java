package dev.sieve.events;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.config.Settings;
import dev.sieve.shared.metrics.MetricNames;
import java.util.Map;

/**
 * The events Lambda's settings, read once from the environment.
 *
 * @param busName {@value EnvironmentVariables#EVENT_BUS_NAME}: the bus's name or ARN (required)
 * @param metricsNamespace {@value EnvironmentVariables#METRICS_NAMESPACE} (default {@value
 *     MetricNames#DEFAULT_NAMESPACE})
 */
public record EventsConfig(String busName, String metricsNamespace) {

    public static EventsConfig fromEnvironment(Map<String, String> environment) {
        Settings settings = Settings.of(environment);
        return new EventsConfig(
                settings.required(EnvironmentVariables.EVENT_BUS_NAME),
                settings.optional(EnvironmentVariables.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE));
    }
}
