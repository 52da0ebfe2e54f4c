package dev.sieve.gate.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The deployed artifact itself (built by the shade plugin in {@code package}, before this IT runs): small,
 * and complete. The shade filters leave out SDK code the gate never loads (async clients, S3 CRT and
 * multipart, DynamoDB Streams, unused Lambda event types, joda-time); {@code jdeps --missing-deps} proves
 * that nothing left in the jar refers to a class that is not there, except the optional AWS CRT native
 * binding that the SDK itself treats as optional.
 */
class LambdaJarIT {
    private static final Path JAR = Path.of("target", "sieve-gate-lambda.jar");
    /** The SDK's optional CRT binding ({@code aws-crt}), absent on purpose and never loaded by the gate. */
    private static final String OPTIONAL_CRT = "software.amazon.awssdk.crt.";

    @Test
    void lambdaJar_refersToNoMissingClassBesidesTheOptionalCrt() {
        assertThat(JAR).exists();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(
                new PrintWriter(out), new PrintWriter(out), "--missing-deps", "--multi-release", "21", JAR.toString());

        List<String> missing = out.toString()
                .lines()
                .filter(line -> line.contains("->") && line.endsWith("not found"))
                .filter(line -> !line.strip().startsWith(JAR.getFileName().toString()))
                .toList();
        assertThat(exit).as(out.toString()).isZero();
        assertThat(missing)
                .as("classes in the Lambda jar that refer to classes left out of it")
                .allSatisfy(line -> assertThat(line.split("->")[1].strip()).startsWith(OPTIONAL_CRT));
    }

    @Test
    void lambdaJar_isAtMost15MegabytesAndCarriesNoTrainingStack() throws Exception {
        assertThat(Files.size(JAR)).isLessThanOrEqualTo(15L * 1024 * 1024);
        try (var zip = new java.util.zip.ZipFile(JAR.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
                    .noneMatch(name -> name.startsWith("org/tribuo/")
                            || name.startsWith("org/jsoup/")
                            || name.startsWith("com/google/protobuf/")
                            || name.startsWith("org/apache/commons/compress/")
                            || name.startsWith("org/joda/"));
        }
    }
}
