package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class GateHttpFunctionTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GateApi GATE = SynthesizedSieve.DEFAULT.stack().gate();

    @Test
    void gateFunction_isJava21WithSnapStartOnPublishedVersions() {
        Map<String, Object> props = GateApiTest.function(GATE.gateFunction());
        assertThat(props)
                .containsEntry("Runtime", "java21")
                .containsEntry("Handler", GateHttpFunction.HANDLER)
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"))
                .containsEntry("MemorySize", 2048);
        // the real-time budget (2 s) plus margin, below API Gateway's 30 s integration limit
        assertThat((Integer) props.get("Timeout")).isBetween(3, GateHttpApi.INTEGRATION_LIMIT_SECONDS);
        assertThat(GateApiTest.function(GATE.batchFunction())).containsEntry("Handler", BatchJobFunction.HANDLER);
    }

    /**
     * Finding 1, "SnapStart runs the function's initialization when the version is published":
     * https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html. The first deploy publishes the version
     * before anyone can upload a bundle, so nothing in the stack may stand in for one (a deployment custom
     * resource or a dependency of the version on an object); the handler's lazy load is what makes the
     * empty bucket safe (HttpApiHandler's empty-bucket test in gate-lambda).
     */
    @Test
    void snapStartVersion_isPublishedBeforeAnyBundleExists_soNothingInTheStackUploadsOrAwaitsOne() {
        Map<String, Map<String, Object>> versions = Templates.properties(TEMPLATE, "AWS::Lambda::Version");
        assertThat(versions).hasSize(1);
        assertThat(TEMPLATE.findResources("Custom::CDKBucketDeployment")).isEmpty();
        Map<String, Object> version = Templates.map(TEMPLATE.findResources("AWS::Lambda::Version")
                .values()
                .iterator()
                .next());
        assertThat(String.valueOf(version.get("DependsOn"))).doesNotContain("Bucket");
        assertThat(GateApiTest.function(GATE.gateFunction()))
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
    }

    /**
     * Finding 2, "an uploaded bundle makes no new version": Lambda publishes a version only when the
     * function's code or configuration changes (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html).
     * {@code -c bundleVersion} must change the gate's environment, so a new version is published (a new
     * logical id of the Version), and the worker's task definition, to the same bundle.
     */
    @Test
    void bundleVersion_changesTheGatesPublishedVersionAndTheWorkersTaskDefinitionTogether() {
        Template published = SynthesizedSieve.published().template();
        // one value for the gate, the batch function and the worker
        String uri = bundleUris(published).iterator().next();
        assertThat(bundleUris(published)).singleElement().isEqualTo(uri);
        assertThat(uri).endsWith("/bundles/3f2a9c41d7e0/");
        assertThat(bundleUris(published)).hasSize(1);
        assertThat(bundleUris(TEMPLATE)).singleElement().isNotEqualTo(uri);
        assertThat(published.findResources("AWS::Lambda::Version").keySet())
                .doesNotContainAnyElementsOf(
                        TEMPLATE.findResources("AWS::Lambda::Version").keySet());
    }

    /** Every SIEVE_BUNDLE_URI value (functions and task definitions) of {@code template}, rendered. */
    private static Set<String> bundleUris(Template template) {
        Set<String> out = new java.util.TreeSet<>();
        Templates.properties(template, "AWS::Lambda::Function").values().stream()
                .filter(f -> f.get("Environment") != null)
                .map(f -> Templates.map(Templates.map(f.get("Environment")).get("Variables")))
                .filter(v -> v.containsKey(EnvironmentVariables.BUNDLE_URI))
                .forEach(v -> out.add(LeastPrivilegeTest.render(v.get(EnvironmentVariables.BUNDLE_URI))));
        Templates.properties(template, "AWS::ECS::TaskDefinition").values().stream()
                .flatMap(t -> Templates.list(t.get("ContainerDefinitions")).stream())
                .flatMap(c -> Templates.list(Templates.map(c).get("Environment")).stream())
                .map(Templates::map)
                .filter(e -> EnvironmentVariables.BUNDLE_URI.equals(e.get("Name")))
                .forEach(e -> out.add(LeastPrivilegeTest.render(e.get("Value"))));
        return out;
    }
}
