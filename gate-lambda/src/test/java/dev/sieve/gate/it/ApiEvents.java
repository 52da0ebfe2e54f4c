package dev.sieve.gate.it;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.sieve.shared.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** API Gateway HTTP API (payload v2) events and request bodies as the gate's ITs send them. */
final class ApiEvents {
    private ApiEvents() {}

    /** The tenant the events' JWT names (as API Gateway's JWT authorizer passes its claims). */
    static final String TENANT = "acme";

    static APIGatewayV2HTTPEvent event(String method, String path, String body) {
        return event(method, path, body, Map.of("sub", "user-1", "tenant", TENANT));
    }

    /**
     * An event whose authorizer passed {@code claims} (null: no authorizer context at all); a {@code ?} in
     * {@code path} starts the raw query string, as API Gateway splits it.
     */
    static APIGatewayV2HTTPEvent event(String method, String path, String body, Map<String, String> claims) {
        return event(method, path, body, claims, Map.of());
    }

    /** The same with request headers (API Gateway passes their names in lower case). */
    static APIGatewayV2HTTPEvent event(
            String method, String path, String body, Map<String, String> claims, Map<String, String> headers) {
        int q = path.indexOf('?');
        String rawPath = q < 0 ? path : path.substring(0, q);
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(rawPath)
                .withRawQueryString(q < 0 ? "" : path.substring(q + 1))
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("test-request")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
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
    }

    /** A classify body with items {@code i0, i1, ...}. */
    static String items(String... texts) {
        List<Map<String, String>> items = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            items.add(Map.of("id", "i" + i, "text", texts[i]));
        }
        return Json.write(Map.of("items", items));
    }
}
