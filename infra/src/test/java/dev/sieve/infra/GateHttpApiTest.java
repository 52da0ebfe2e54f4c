package dev.sieve.infra;

import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class GateHttpApiTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GateApi GATE = SynthesizedSieve.DEFAULT.stack().gate();

    @Test
    void api_invokesTheLiveAliasOfAPublishedVersion() {
        String alias = SynthesizedSieve.logicalId(GATE.liveAlias());
        TEMPLATE.hasResourceProperties(
                "AWS::Lambda::Alias",
                Map.of(
                        "Name", GateHttpFunction.LIVE_ALIAS,
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
                .containsExactlyInAnyOrderElementsOf(GateHttpApi.ROUTES.stream()
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
}
