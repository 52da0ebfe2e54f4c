package dev.sieve.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The HTTP API: every route of {@link #ROUTES} invokes one function (the gate's live alias), every route
 * needs authorization (IAM unless told otherwise), the {@code $default} stage throttles and writes JSON
 * access logs to its own log group with a retention.
 */
final class GateHttpApi extends Concern {

    /** The routes of the API issue. */
    static final List<Route> ROUTES = List.of(
            new Route(HttpMethod.POST, "/v1/classify"),
            new Route(HttpMethod.GET, "/v1/results/{id}"),
            new Route(HttpMethod.POST, "/v1/uploads"),
            new Route(HttpMethod.POST, "/v1/jobs"),
            new Route(HttpMethod.GET, "/v1/jobs/{id}"),
            new Route(HttpMethod.GET, "/v1/openapi.json"));
    /** API Gateway gives up on an integration after 30 s. */
    static final int INTEGRATION_LIMIT_SECONDS = 29;

    /** One JSON object per request; HTTP-API context variables only (no bodies, no tokens). */
    static final String ACCESS_LOG_FORMAT = "{\"requestId\":\"$context.requestId\","
            + "\"ip\":\"$context.identity.sourceIp\","
            + "\"caller\":\"$context.identity.userArn\","
            + "\"requestTime\":\"$context.requestTime\","
            + "\"routeKey\":\"$context.routeKey\","
            + "\"status\":\"$context.status\","
            + "\"protocol\":\"$context.protocol\","
            + "\"responseLength\":\"$context.responseLength\","
            + "\"responseLatency\":\"$context.responseLatency\","
            + "\"integrationLatency\":\"$context.integrationLatency\","
            + "\"integrationError\":\"$context.integrationErrorMessage\","
            + "\"authorizerError\":\"$context.authorizer.error\"}";

    /** One route of the API. */
    record Route(HttpMethod method, String path) {}

    /** Settings of the API. */
    record Props(
            SieveStackProps.Authorizer authorizer,
            String jwtIssuer,
            List<String> jwtAudience,
            int rateLimit,
            int burstLimit,
            RetentionDays logRetention,
            IFunction handler) {
        Props {
            Objects.requireNonNull(authorizer, "authorizer");
            jwtAudience = List.copyOf(jwtAudience);
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(handler, "handler");
        }
    }

    private final HttpApi api;
    private final LogGroup accessLogGroup;

    GateHttpApi(Construct scope, String id, Props props) {
        super(scope, id);
        api = HttpApi.Builder.create(this, "HttpApi")
                .description("Sieve: classify text with a cheap gate and a GPU expert")
                .createDefaultStage(false)
                .defaultAuthorizer(authorizer(props))
                .build();
        accessLogGroup = LogGroup.Builder.create(this, "AccessLogs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        HttpStage.Builder.create(this, "DefaultStage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(props.rateLimit())
                        .burstLimit(props.burstLimit())
                        .build())
                .accessLogSettings(new AccessLogs(new LogGroupLogDestination(accessLogGroup)))
                .build();
        HttpLambdaIntegration integration = HttpLambdaIntegration.Builder.create("GateIntegration", props.handler())
                .timeout(Duration.seconds(INTEGRATION_LIMIT_SECONDS))
                .build();
        for (Route route : ROUTES) {
            api.addRoutes(AddRoutesOptions.builder()
                    .path(route.path())
                    .methods(List.of(route.method()))
                    .integration(integration)
                    .build());
        }
    }

    private static IHttpRouteAuthorizer authorizer(Props props) {
        return switch (props.authorizer()) {
            case IAM -> new HttpIamAuthorizer();
            case JWT ->
                new HttpJwtAuthorizer(
                        "JwtAuthorizer",
                        props.jwtIssuer(),
                        HttpJwtAuthorizerProps.builder()
                                .jwtAudience(props.jwtAudience())
                                .build());
        };
    }

    /**
     * Access-log settings in JSON with HTTP-API context variables. A plain class with getters only: jsii
     * would take a record's accessor {@code destination()} for a method override.
     */
    private static final class AccessLogs implements IAccessLogSettings {
        private final IAccessLogDestination destination;

        AccessLogs(IAccessLogDestination destination) {
            this.destination = destination;
        }

        @Override
        public IAccessLogDestination getDestination() {
            return destination;
        }

        @Override
        public AccessLogFormat getFormat() {
            return AccessLogFormat.custom(ACCESS_LOG_FORMAT);
        }
    }

    HttpApi api() {
        return api;
    }

    LogGroup accessLogGroup() {
        return accessLogGroup;
    }
}
