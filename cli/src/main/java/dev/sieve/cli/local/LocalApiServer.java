package dev.sieve.cli.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.api.HttpApiHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves the HTTP API on localhost by turning each HTTP request into the API Gateway (payload v2)
 * event the Lambda receives in AWS, calling the real handler, and writing its response back. Bodies
 * are passed base64-encoded, as API Gateway does for arbitrary content.
 *
 * <p>Like API Gateway's JWT authorizer, it refuses a call without a valid {@code Authorization: Bearer}
 * token (401; every route but {@value #OPEN_API_PATH}) and hands the token's claims to the handler as the
 * authorizer context. It also refuses a {@code Host} that is not a loopback name (403), so a web page
 * cannot reach it by DNS rebinding.
 */
public final class LocalApiServer implements AutoCloseable {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z").withZone(ZoneOffset.UTC);

    /** The one route served without a token. */
    static final String OPEN_API_PATH = "/v1/openapi.json";

    private static final java.util.regex.Pattern LOOPBACK_HOST =
            java.util.regex.Pattern.compile("(?i)(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d{1,5})?");

    private final HttpServer server;
    private final ExecutorService executor;

    private LocalApiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code host:port} (port 0 picks a free one); nothing is served until {@link #serve}. */
    public static LocalApiServer bind(String host, int port, int threads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "local-api");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        return new LocalApiServer(server, executor);
    }

    /** Starts answering every path with {@code handler}, for callers with a token {@code verifier} accepts. */
    public void serve(HttpApiHandler handler, JwtVerifier verifier) {
        serve(handler, verifier, new GateTime());
    }

    /** As {@link #serve(HttpApiHandler, JwtVerifier)}, adding each call's handler time to {@code time}. */
    public void serve(HttpApiHandler handler, JwtVerifier verifier, GateTime time) {
        server.createContext("/", exchange -> serve(handler, verifier, time, exchange));
        server.start();
    }

    public URI baseUrl() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    private static void serve(HttpApiHandler handler, JwtVerifier verifier, GateTime time, HttpExchange exchange)
            throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (host == null || !LOOPBACK_HOST.matcher(host).matches()) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                reject(
                        exchange,
                        403,
                        "host_not_allowed",
                        "Host",
                        "sieve local answers only Host 127.0.0.1, localhost or [::1] (DNS rebinding protection)",
                        Map.of());
                return;
            }
            Map<String, String> claims = null;
            if (!exchange.getRequestURI().getRawPath().equals(OPEN_API_PATH)) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                String refusal = null;
                if (authorization == null
                        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                        || authorization.substring(7).isBlank()) {
                    refusal = "send 'Authorization: Bearer <token>'; the tokens are printed at start, and"
                            + " 'sieve token --tenant NAME' prints a fresh one";
                } else {
                    try {
                        claims = verifier.verify(authorization.substring(7).trim());
                    } catch (JwtVerifier.InvalidTokenException e) {
                        refusal = e.getMessage();
                    }
                }
                if (refusal != null) {
                    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                    reject(
                            exchange,
                            401,
                            "unauthenticated",
                            "Authorization",
                            refusal,
                            Map.of("WWW-Authenticate", "Bearer realm=\"sieve\", error=\"invalid_token\""));
                    return;
                }
            }
            byte[] body = readCapped(exchange.getRequestBody(), GateConfig.MAX_BODY_BYTES + 1);
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
            URI uri = exchange.getRequestURI();
            String requestId = UUID.randomUUID().toString();
            Instant now = Instant.now();
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withVersion("2.0")
                    .withRouteKey("$default")
                    .withRawPath(uri.getRawPath())
                    .withRawQueryString(uri.getRawQuery() == null ? "" : uri.getRawQuery())
                    .withHeaders(headers)
                    .withBody(body.length == 0 ? null : Base64.getEncoder().encodeToString(body))
                    .withIsBase64Encoded(body.length > 0)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withRequestId(requestId)
                            .withStage("$default")
                            .withTime(REQUEST_TIME.format(now))
                            .withTimeEpoch(now.toEpochMilli())
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                    .withMethod(exchange.getRequestMethod())
                                    .withPath(uri.getRawPath())
                                    .withProtocol(exchange.getProtocol())
                                    .withSourceIp(exchange.getRemoteAddress()
                                            .getAddress()
                                            .getHostAddress())
                                    .build())
                            .withAuthorizer(
                                    claims == null
                                            ? null
                                            : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT
                                                            .builder()
                                                            .withClaims(claims)
                                                            .withScopes(List.of())
                                                            .build())
                                                    .build())
                            .build())
                    .build();
            GateTime.Mark start = GateTime.start();
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
            time.add(start);
            byte[] out = response.getBody() == null
                    ? new byte[0]
                    : response.getIsBase64Encoded()
                            ? Base64.getDecoder().decode(response.getBody())
                            : response.getBody().getBytes(StandardCharsets.UTF_8);
            if (response.getHeaders() != null) {
                response.getHeaders()
                        .forEach((name, value) -> exchange.getResponseHeaders().put(name, List.of(value)));
            }
            exchange.getResponseHeaders().put("x-amzn-requestid", List.of(requestId));
            exchange.sendResponseHeaders(response.getStatusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            }
        }
    }

    /** Answers with Sieve's error shape ({@code {"error":{"code","field","message"}}}). */
    private static void reject(
            HttpExchange exchange, int status, String code, String field, String message, Map<String, String> headers)
            throws IOException {
        byte[] out = dev.sieve.shared.json.Json.writeBytes(
                Map.of("error", Map.of("code", code, "field", field, "message", message)));
        headers.forEach((name, value) -> exchange.getResponseHeaders().put(name, List.of(value)));
        exchange.getResponseHeaders().put("Content-Type", List.of("application/json"));
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(out);
        }
    }

    /** Reads at most {@code cap} bytes (the handler answers 413 for a body at the cap), draining the rest. */
    private static byte[] readCapped(InputStream in, long cap) throws IOException {
        byte[] body = in.readNBytes((int) cap);
        if (body.length == cap) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return body;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
