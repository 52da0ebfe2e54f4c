package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Function;

class GateApiTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();
    private static final GateApi GATE = SynthesizedSieve.DEFAULT.stack().gate();

    @Test
    void gateFunction_isJava21WithSnapStartOnPublishedVersions() {
        Map<String, Object> props = function(GATE.gateFunction());
        assertThat(props)
                .containsEntry("Runtime", "java21")
                .containsEntry("Handler", GateApi.HTTP_HANDLER)
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"))
                .containsEntry("MemorySize", 2048);
        // the real-time budget (2 s) plus margin, below API Gateway's 30 s integration limit
        assertThat((Integer) props.get("Timeout")).isBetween(3, GateApi.API_INTEGRATION_LIMIT_SECONDS);
        assertThat(function(GATE.batchFunction())).containsEntry("Handler", GateApi.BATCH_HANDLER);
    }

    @Test
    void api_invokesTheLiveAliasOfAPublishedVersion() {
        String alias = SynthesizedSieve.logicalId(GATE.liveAlias());
        TEMPLATE.hasResourceProperties(
                "AWS::Lambda::Alias",
                Map.of(
                        "Name", GateApi.LIVE_ALIAS,
                        "FunctionName", Map.of("Ref", SynthesizedSieve.logicalId(GATE.gateFunction())),
                        "FunctionVersion",
                                Match.objectLike(Map.of("Fn::GetAtt", Match.arrayWith(List.of("Version"))))));
        TEMPLATE.hasResourceProperties(
                "AWS::ApiGatewayV2::Integration",
                Map.of(
                        "IntegrationType", "AWS_PROXY",
                        "IntegrationUri", Map.of("Ref", alias),
                        "PayloadFormatVersion", "2.0",
                        "ApiId", Match.anyValue(),
                        "TimeoutInMillis", Match.anyValue()));
    }

    @Test
    void routes_byDefault_allRequireIamAuthorization() {
        Map<String, Map<String, Object>> routes = properties(TEMPLATE, "AWS::ApiGatewayV2::Route");
        Set<String> routeKeys =
                routes.values().stream().map(r -> (String) r.get("RouteKey")).collect(Collectors.toSet());
        assertThat(routeKeys)
                .containsExactlyInAnyOrderElementsOf(GateApi.ROUTES.stream()
                        .map(r -> r.method().name() + " " + r.path())
                        .toList());
        routes.forEach((id, r) -> assertThat(r).as(id).containsEntry("AuthorizationType", "AWS_IAM"));
    }

    @Test
    void routes_withJwtContext_useAJwtAuthorizer() {
        SynthesizedSieve.Result jwt = SynthesizedSieve.synthesize(Map.of(
                "authorizer", "jwt",
                "jwtIssuer", "https://issuer.example.com/",
                "jwtAudience", "client-a,client-b"));
        jwt.template()
                .hasResourceProperties(
                        "AWS::ApiGatewayV2::Authorizer",
                        Map.of(
                                "AuthorizerType",
                                "JWT",
                                "IdentitySource",
                                List.of("$request.header.Authorization"),
                                "JwtConfiguration",
                                Map.of(
                                        "Audience",
                                        List.of("client-a", "client-b"),
                                        "Issuer",
                                        "https://issuer.example.com/"),
                                "ApiId",
                                Match.anyValue(),
                                "Name",
                                Match.anyValue()));
        properties(jwt.template(), "AWS::ApiGatewayV2::Route")
                .forEach((id, r) -> assertThat(r).as(id).containsEntry("AuthorizationType", "JWT"));
        assertThat(jwt.validationReport().get("pluginReports")).isEmpty();
    }

    @Test
    void stage_writesJsonAccessLogsAndThrottles() {
        Map<String, Object> stage = properties(TEMPLATE, "AWS::ApiGatewayV2::Stage")
                .values()
                .iterator()
                .next();
        assertThat(stage).containsEntry("StageName", "$default").containsEntry("AutoDeploy", true);
        Map<String, Object> accessLogs = map(stage.get("AccessLogSettings"));
        assertThat(Templates.referencedId(accessLogs.get("DestinationArn")))
                .isEqualTo(SynthesizedSieve.logicalId(GATE.accessLogGroup()));
        assertThat((String) accessLogs.get("Format")).contains("$context.requestId", "$context.status");
        assertThat(map(stage.get("DefaultRouteSettings")))
                .containsEntry("ThrottlingRateLimit", 1000)
                .containsEntry("ThrottlingBurstLimit", 2000);
    }

    @Test
    void functions_environmentNames_areExactlyTheSharedConstants() {
        Set<String> known = Templates.environmentVariableNames();
        Map<String, Object> gateEnvironment = environment(GATE.gateFunction());
        Map<String, Object> batchEnvironment = environment(GATE.batchFunction());
        gateEnvironment.remove("JAVA_TOOL_OPTIONS");
        assertThat(known).containsAll(gateEnvironment.keySet()).containsAll(batchEnvironment.keySet());
        assertThat(gateEnvironment)
                .containsKeys(
                        EnvironmentVariables.TABLE_NAME,
                        EnvironmentVariables.BUCKET_NAME,
                        EnvironmentVariables.REALTIME_QUEUE_URL,
                        EnvironmentVariables.ASYNC_QUEUE_URL,
                        EnvironmentVariables.BATCH_QUEUE_URL,
                        EnvironmentVariables.BUNDLE_URI,
                        EnvironmentVariables.API_BASE_URL,
                        EnvironmentVariables.REALTIME_BUDGET_MS,
                        EnvironmentVariables.METRICS_NAMESPACE)
                .containsEntry(EnvironmentVariables.REALTIME_BUDGET_MS, "2000")
                .containsEntry(EnvironmentVariables.METRICS_NAMESPACE, "Sieve");
        assertThat(String.valueOf(gateEnvironment.get(EnvironmentVariables.BUNDLE_URI)))
                .contains("s3://", "/bundles/current/");
        assertThat(batchEnvironment)
                .containsKeys(EnvironmentVariables.TABLE_NAME, EnvironmentVariables.BATCH_QUEUE_URL);
    }

    @Test
    void functionRoles_grantOnlyTheirBucketPrefixes() {
        String gatePolicy = policyOf(GATE.gateFunction());
        assertThat(gatePolicy).contains("/uploads/*", "/payloads/*", "/jobs/in/*", "/bundles/*", "/jobs/out/*");
        assertThat(gatePolicy)
                .doesNotContain("/jobs/parts/*")
                .doesNotContain("s3:*")
                .doesNotContain("s3:DeleteObject");
        String batchPolicy = policyOf(GATE.batchFunction());
        assertThat(batchPolicy).contains("/jobs/parts/*", "/jobs/in/*").doesNotContain("/uploads/*");
    }

    private static Map<String, Object> function(Function fn) {
        return properties(TEMPLATE, "AWS::Lambda::Function").get(SynthesizedSieve.logicalId(fn));
    }

    private static Map<String, Object> environment(Function fn) {
        return new LinkedHashMap<>(map(map(function(fn).get("Environment")).get("Variables")));
    }

    static String policyOf(Function fn) {
        String role = SynthesizedSieve.logicalId(fn.getRole());
        return properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .map(p -> String.valueOf(p.get("PolicyDocument")))
                .collect(Collectors.joining("\n"));
    }
}
