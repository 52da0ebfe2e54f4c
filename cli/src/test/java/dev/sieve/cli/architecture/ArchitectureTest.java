package dev.sieve.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules the compiler cannot see: the CLI uses the worker through its public surface only,
 * the two tiers never import each other nor the events Lambda, and the worker stays readable (no class
 * over 300 lines).
 * Lives in the CLI because the CLI is the module that has every tier on its class path.
 */
class ArchitectureTest {
    private static final int MAX_WORKER_CLASS_LINES = 300;
    /**
     * Files over the limit that are being moved, each with why; the test fails once one is gone, so
     * the entry is removed with it.
     */
    /** Sources allowed over the limit, with the reason; empty since the protocol moved to the contract module. */
    private static final Map<String, String> OVER_LIMIT_FOR_NOW = Map.of();

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sieve");
    }

    @Test
    void cli_importsNothingFromTheWorkersInternals() {
        noClasses()
                .that()
                .resideInAPackage("dev.sieve.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sieve.worker.internal..")
                .because("the worker's public surface is its package root; internal types may change freely")
                .check(classes);
    }

    @Test
    void tiers_neverImportEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.sieve.worker..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sieve.gate..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.sieve.gate..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sieve.worker..")
                .check(classes);
    }

    @Test
    void eventsLambda_knowsNeitherTier_andNoTierKnowsIt() {
        // The events Lambda reads the table's stream (the outbox): it shares only the table's layout
        // (shared) and the state enums (contract) with the tiers, and the gate never carries its client.
        noClasses()
                .that()
                .resideInAPackage("dev.sieve.events..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.sieve.gate..", "dev.sieve.worker..", "dev.sieve.cli..")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage("dev.sieve.gate..", "dev.sieve.worker..", "dev.sieve.contract..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sieve.events..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.sieve.events..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("software.amazon.awssdk.services.dynamodb..")
                .because("the events Lambda leaves the contract's DynamoDB, S3 and SQS clients out of its jar")
                .check(classes);
    }

    @Test
    void rules_seeTheClassesTheyJudge() {
        assertThat(classes.containPackage("dev.sieve.events")).isTrue();
        assertThat(classes.containPackage("dev.sieve.cli")).isTrue();
        assertThat(classes.containPackage("dev.sieve.worker.internal")).isTrue();
        assertThat(classes.containPackage("dev.sieve.gate")).isTrue();
    }

    @Test
    void worker_hasNoClassOverThreeHundredLines() throws IOException {
        Path root = workerSources();
        List<String> over;
        try (Stream<Path> files = Files.walk(root)) {
            over = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> lines(f) > MAX_WORKER_CLASS_LINES)
                    .map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
        assertThat(over)
                .as("gpu-worker sources over %d lines (split them along their data flow)", MAX_WORKER_CLASS_LINES)
                .containsExactlyInAnyOrderElementsOf(OVER_LIMIT_FOR_NOW.keySet());
    }

    private static Path workerSources() {
        // Surefire runs in the module directory (cli/); the worker's sources sit beside it.
        Path root = Path.of("..", "gpu-worker", "src", "main", "java", "dev", "sieve", "worker")
                .toAbsolutePath()
                .normalize();
        assertThat(root).isDirectory();
        return root;
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
