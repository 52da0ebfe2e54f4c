package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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

    /**
     * Issue 15, finding 9: the ONNX Runtime GPU jar carries about 514 MB of Windows DLLs that a linux-x64
     * image never loads. The Dockerfile strips every ONNX Runtime jar with the script in the build context;
     * the script, run here on a small jar of the same layout, keeps the Linux natives and the manifest.
     */
    @Test
    void imageBuild_stripsWindowsAndMacNativesFromTheOnnxRuntimeJars_andKeepsLinux() throws Exception {
        assertThat(Files.readString(ROOT.resolve(WorkerImageSource.DOCKERFILE)))
                .contains("sh " + WorkerImageSource.STRIP_NATIVES_SCRIPT + " /out/lib/onnxruntime*.jar");
        Path jar = Files.createTempDirectory("strip-natives").resolve("onnxruntime_gpu-1.28.0.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Implementation-Title", "onnxruntime");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String entry : List.of(
                    "ai/onnxruntime/OrtEnvironment.class",
                    "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                    "ai/onnxruntime/native/win-x64/onnxruntime.dll",
                    "ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib")) {
                out.putNextEntry(new JarEntry(entry));
                out.write(entry.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        ProcessBuilder strip = new ProcessBuilder(
                        "sh",
                        ROOT.resolve(WorkerImageSource.STRIP_NATIVES_SCRIPT).toString(),
                        jar.toString())
                .redirectErrorStream(true);
        // the script calls the JDK's jar tool: put this JDK first on the PATH
        strip.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process process = strip.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        try (JarFile stripped = new JarFile(jar.toFile())) {
            List<String> names = stripped.stream()
                    .map(JarEntry::getName)
                    .filter(n -> !n.endsWith("/"))
                    .toList();
            assertThat(names)
                    .contains(
                            "ai/onnxruntime/OrtEnvironment.class", "ai/onnxruntime/native/linux-x64/libonnxruntime.so")
                    .noneMatch(n -> n.contains("/win-") || n.contains("/osx-"));
            assertThat(stripped.getManifest().getMainAttributes().getValue("Implementation-Title"))
                    .isEqualTo("onnxruntime");
        }
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
