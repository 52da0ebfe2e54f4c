package dev.sieve.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * One synthesis of the Sieve app per test JVM, shared by every infra test (a synth costs seconds; a
 * template query milliseconds). It loads the same context and feature flags as {@code cdk.json},
 * uses stand-in artifacts (an empty jar, a one-line Dockerfile) so the tests do not depend on the
 * other modules being built, and registers cdk-nag exactly as {@link SieveApp} does.
 */
final class SynthesizedSieve {
    private SynthesizedSieve() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** The default deployment (no context beyond cdk.json). */
    static final SynthesizedSieve.Result DEFAULT = synthesize(Map.of());

    /** A deploy after {@code sieve bundle publish}: {@code -c bundleVersion=<version>}. */
    static Result published() {
        return Published.RESULT;
    }

    private static final class Published {
        static final Result RESULT = synthesize(Map.of("bundleVersion", "3f2a9c41d7e0"));
    }

    /** Data at rest under a key the stack creates: {@code -c kmsKey=create}. */
    static Result createdKey() {
        return CreatedKey.RESULT;
    }

    private static final class CreatedKey {
        static final Result RESULT = synthesize(Map.of("kmsKey", "create"));
    }

    /** A key ARN of the account's own; the account id here is a documentation example. */
    static final String IMPORTED_KEY_ARN =
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /** Data at rest under an existing key: {@code -c kmsKey=<key arn>}. */
    static Result importedKey() {
        return ImportedKey.RESULT;
    }

    private static final class ImportedKey {
        static final Result RESULT = synthesize(Map.of("kmsKey", IMPORTED_KEY_ARN));
    }

    record Result(SieveStack stack, Template template, JsonNode validationReport, SieveStackProps props) {}

    /** Synthesizes the app with cdk.json's context plus {@code extraContext}. */
    static Result synthesize(Map<String, Object> extraContext) {
        try {
            Path work = Files.createTempDirectory("sieve-infra-test");
            Path jar = Files.write(work.resolve("sieve-gate-lambda.jar"), new byte[] {0x50, 0x4b, 0x05, 0x06});
            Path eventsJar =
                    Files.write(work.resolve("sieve-events-lambda.jar"), new byte[] {0x50, 0x4b, 0x05, 0x06, 0x00});
            Path image = Files.createDirectories(work.resolve("worker-image"));
            Files.writeString(image.resolve("Dockerfile"), "FROM scratch\n");
            WorkerImageSource source = new WorkerImageSource(image, "Dockerfile", List.of());

            Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
            context.putAll(extraContext);
            App app = App.Builder.create()
                    .context(context)
                    .outdir(work.resolve("cdk.out").toString())
                    .build();
            Function<String, Object> lookup = context::get;
            SieveStackProps props = SieveStackProps.fromContext(lookup, jar, eventsJar, source);
            SieveStack stack = SieveApp.configure(app, "Sieve", props);
            CloudAssembly assembly = app.synth();
            JsonNode report = JSON.readTree(
                    Path.of(assembly.getDirectory(), "validation-report.json").toFile());
            return new Result(stack, Template.fromStack(stack), report, props);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the default template as JSON to {@code args[0]}: {@link SynthesisDeterminismTest} runs this in a
     * second JVM, whose hash salts differ from the test JVM's.
     */
    public static void main(String[] args) throws IOException {
        JSON.writeValue(Path.of(args[0]).toFile(), DEFAULT.template().toJSON());
        System.exit(0); // the jsii runtime's threads would keep the JVM alive
    }

    /** The logical id CloudFormation sees for an L2 construct of the default stack. */
    static String logicalId(software.constructs.IConstruct construct) {
        SieveStack stack = DEFAULT.stack();
        // the element's own id (with overrides), not Stack.getLogicalId (the allocated one)
        return stack.resolve(
                        ((software.amazon.awscdk.CfnElement) construct.getNode().getDefaultChild()).getLogicalId())
                .toString();
    }

    /** The {@code context} object of {@code infra/cdk.json} (Maven runs tests in the module directory). */
    static Map<String, Object> cdkJsonContext() throws IOException {
        JsonNode cdkJson = JSON.readTree(Path.of("cdk.json").toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> context = JSON.convertValue(cdkJson.get("context"), Map.class);
        return context;
    }
}
