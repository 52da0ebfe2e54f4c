package dev.sieve.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.infra.SieveApp;
import dev.sieve.infra.SieveStack;
import dev.sieve.infra.SieveStackProps;
import dev.sieve.infra.WorkerImageSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The real Sieve template, synthesized once per test JVM through the infra module's public entry points
 * with {@code infra/cdk.json}'s context, as infra's own tests do (their {@code SynthesizedSieve} is
 * package-private in infra's test sources, which are not published).
 */
final class SynthesizedTemplate {
    private SynthesizedTemplate() {}

    static final String JSON = synthesize(Map.of());

    /** With two dedicated real-time lanes ({@code -c dedicatedTenants=acme,beta}), once a bundle is published. */
    static String withLanes() {
        return WithLanes.JSON;
    }

    private static final class WithLanes {
        static final String JSON = synthesize(Map.of("dedicatedTenants", "acme,beta", "bundleVersion", "v1"));
    }

    private static String synthesize(Map<String, Object> extraContext) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            Path work = Files.createTempDirectory("sieve-simulate-test");
            Path jar = Files.write(work.resolve("sieve-gate-lambda.jar"), new byte[] {0x50, 0x4b, 0x05, 0x06});
            Path image = Files.createDirectories(work.resolve("worker-image"));
            Files.writeString(image.resolve("Dockerfile"), "FROM scratch\n");
            JsonNode cdkJson = mapper.readTree(Path.of("../infra/cdk.json").toFile());
            @SuppressWarnings("unchecked")
            Map<String, Object> context =
                    new java.util.LinkedHashMap<>(mapper.convertValue(cdkJson.get("context"), Map.class));
            context.putAll(extraContext);
            App app = App.Builder.create()
                    .context(context)
                    .outdir(work.resolve("cdk.out").toString())
                    .build();
            SieveStackProps props = SieveStackProps.fromContext(
                    context::get, jar, jar, new WorkerImageSource(image, "Dockerfile", List.of()));
            SieveStack stack = SieveApp.configure(app, "Sieve", props);
            return mapper.writeValueAsString(Template.fromStack(stack).toJSON());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
