package dev.sieve.infra;

import dev.sieve.shared.config.ConfigException;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;

/**
 * The CDK app ({@code cdk.json} runs it): reads CDK context into {@link SieveStackProps}, builds one
 * environment-agnostic {@link SieveStack} and registers the cdk-nag AWS Solutions checks, so every
 * {@code cdk synth} and {@code cdk deploy} fails on an unacknowledged finding.
 */
public final class SieveApp {
    private SieveApp() {}

    /** The shaded gate Lambda jar, relative to the repository root. */
    public static final String GATE_JAR = "gate-lambda/target/sieve-gate-lambda.jar";
    /** The shaded events Lambda jar (the outbox's publisher), relative to the repository root. */
    public static final String EVENTS_JAR = "events-lambda/target/sieve-events-lambda.jar";
    /** Context key of the stack's id (and so its CloudFormation stack name). */
    public static final String STACK_NAME_CONTEXT = "stackName";
    /** Context key of the repository root, relative to the working directory (default {@code ..}). */
    public static final String ROOT_CONTEXT = "sieveRoot";

    public static void main(String[] args) {
        App app = new App();
        try {
            Object rootContext = app.getNode().tryGetContext(ROOT_CONTEXT);
            Path root = Path.of(rootContext == null ? ".." : rootContext.toString())
                    .toAbsolutePath()
                    .normalize();
            Path gateJar = lambdaJar(root, GATE_JAR, "gate-lambda");
            Path eventsJar = lambdaJar(root, EVENTS_JAR, "events-lambda");
            SieveStackProps props = SieveStackProps.fromContext(
                    app.getNode()::tryGetContext, gateJar, eventsJar, WorkerImageSource.fromRepository(root));
            Object stackName = app.getNode().tryGetContext(STACK_NAME_CONTEXT);
            configure(app, stackName == null ? "Sieve" : stackName.toString(), props);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("sieve infra: " + e.getMessage());
            System.exit(2);
        }
        app.synth();
    }

    private static Path lambdaJar(Path root, String path, String module) {
        Path jar = root.resolve(path);
        if (!Files.isRegularFile(jar)) {
            throw new ConfigException("the Lambda jar " + jar + " does not exist; build it first with ./mvnw -pl "
                    + module + " -am package -DskipTests (from the repository root)");
        }
        return jar;
    }

    /** Adds the Sieve stack and the cdk-nag checks to {@code app}; tests call this with stand-in artifacts. */
    public static SieveStack configure(App app, String stackId, SieveStackProps props) {
        // Registered first, so acknowledgments made while the stack is built are attributed to this pack.
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        SieveStack stack = new SieveStack(
                app,
                stackId,
                StackProps.builder()
                        .description("Sieve: tiered text classification (gate Lambda, GPU expert workers on ECS)")
                        .build(),
                props);
        return stack;
    }
}
