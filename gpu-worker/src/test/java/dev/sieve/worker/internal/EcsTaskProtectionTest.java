package dev.sieve.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EcsTaskProtectionTest {
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startAgent() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                            + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopAgent() {
        server.stop(0);
    }

    @Test
    void set_whenEnabled_putsProtectionWithExpiry() {
        String agent = "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/abc";
        EcsTaskProtection protection = new EcsTaskProtection(HttpClient.newHttpClient(), agent);

        protection.set(true, 15);
        protection.set(false, 0);

        assertThat(requests)
                .containsExactly(
                        "PUT /v4/abc/task-protection/v1/state {\"ProtectionEnabled\":true,\"ExpiresInMinutes\":15}",
                        "PUT /v4/abc/task-protection/v1/state {\"ProtectionEnabled\":false}");
    }

    @Test
    void set_whenAgentUnreachable_doesNotThrow() {
        int port = server.getAddress().getPort();
        server.stop(0);
        EcsTaskProtection protection = new EcsTaskProtection(HttpClient.newHttpClient(), "http://127.0.0.1:" + port);

        protection.set(true, 15);

        assertThat(requests).isEmpty();
    }
}
