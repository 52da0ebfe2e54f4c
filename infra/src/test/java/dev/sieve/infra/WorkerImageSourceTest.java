package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WorkerImageSourceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SIEVE_DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>dev\\.sieve</groupId>\\s*<artifactId>sieve-([a-z-]+)</artifactId>");

    /**
     * The Dockerfile runs {@code mvn -pl gpu-worker -am package} inside the build context, so the context must
     * hold the main sources of every module that build compiles (the worker and its reactor dependencies, read
     * from the poms); a module left out compiles to an empty jar and the image build, so {@code cdk deploy},
     * fails. {@code contract} was missing when the worker started to depend on it.
     */
    @Test
    void buildContext_holdsTheMainSourcesOfEveryModuleTheWorkerImageCompiles() throws IOException {
        WorkerImageSource source = WorkerImageSource.fromRepository(ROOT);
        Set<String> modules = reactorDependencies("gpu-worker");
        assertThat(modules).contains("gpu-worker", "shared", "contract");
        for (String module : modules) {
            assertThat(source.excludes()).as(module).contains("!" + module + "/src/main");
        }
        assertThat(source.excludes()).contains("!" + WorkerImageSource.DOCKERFILE, "!*/pom.xml", "!pom.xml");
    }

    /** {@code module} and every dev.sieve module it depends on (any scope: -am builds them all), transitively. */
    private static Set<String> reactorDependencies(String module) throws IOException {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(Set.of(module));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (!seen.add(next)) {
                continue;
            }
            Matcher m =
                    SIEVE_DEPENDENCY.matcher(Files.readString(ROOT.resolve(next).resolve("pom.xml")));
            while (m.find()) {
                todo.push(m.group(1));
            }
        }
        return seen;
    }
}
