package dev.sieve.gate.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.sieve.gate.GateRuntime;
import dev.sieve.gate.tenant.Caller;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * API Gateway HTTP API (payload v2) entry point. The constructor builds configuration, clients and
 * the gate model once (SnapStart snapshots them); each call only parses, delegates and maps.
 */
public final class HttpApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ApiRoutes routes;

    public HttpApiHandler() {
        this(GateRuntime.fromEnvironment(System.getenv()).routes());
    }

    public HttpApiHandler(ApiRoutes routes) {
        this.routes = routes;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String method =
                event.getRequestContext() == null || event.getRequestContext().getHttp() == null
                        ? null
                        : event.getRequestContext().getHttp().getMethod();
        String awsRequestId = context != null
                ? context.getAwsRequestId()
                : event.getRequestContext() == null
                        ? null
                        : event.getRequestContext().getRequestId();
        ApiResponse response = routes.handle(
                method,
                event.getRawPath(),
                event.getRawQueryString(),
                event.getHeaders(),
                body(event),
                caller(event),
                awsRequestId);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.statusCode())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    /** What API Gateway's authorizer established: the JWT's claims, or the SigV4 principal. */
    static Caller caller(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = context == null ? null : context.getAuthorizer();
        if (authorizer == null) {
            return Caller.anonymous();
        }
        if (authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
            return Caller.jwt(authorizer.getJwt().getClaims());
        }
        if (authorizer.getIam() != null) {
            return Caller.iam(
                    authorizer.getIam().getUserArn(), authorizer.getIam().getAccountId());
        }
        return Caller.anonymous();
    }

    private static byte[] body(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                return body.getBytes(StandardCharsets.UTF_8);
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
