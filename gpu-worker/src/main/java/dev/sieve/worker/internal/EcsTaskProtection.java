package dev.sieve.worker.internal;

import dev.sieve.worker.TaskProtection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT $ECS_AGENT_URI/task-protection/v1/state}. Failures are logged and otherwise ignored:
 * protection is an optimisation (fewer interrupted batches), the drain on SIGTERM is the guarantee.
 */
public final class EcsTaskProtection implements TaskProtection {
    private static final Logger LOG = LoggerFactory.getLogger(EcsTaskProtection.class);

    private final HttpClient http;
    private final URI endpoint;

    public EcsTaskProtection(HttpClient http, String agentUri) {
        this.http = http;
        this.endpoint = URI.create(agentUri.replaceAll("/+$", "") + "/task-protection/v1/state");
    }

    @Override
    public void set(boolean enabled, int minutes) {
        String body = enabled
                ? "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":" + minutes + "}"
                : "{\"ProtectionEnabled\":false}";
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                LOG.warn("task protection {} refused: HTTP {}", enabled ? "on" : "off", response.statusCode());
            }
        } catch (IOException e) {
            LOG.warn("task protection {} failed: {}", enabled ? "on" : "off", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
