package dev.sieve.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where the worker's container image is built from: a Docker build context, the Dockerfile inside it
 * and the paths left out of the context (Docker ignore syntax). CDK fingerprints the context at synth
 * time and builds the image at deploy time (which needs Docker or a compatible builder).
 *
 * @param directory the build context
 * @param dockerfile the Dockerfile, relative to {@code directory}
 * @param excludes Docker-ignore patterns applied to the context
 */
public record WorkerImageSource(Path directory, String dockerfile, List<String> excludes) {

    /** The Dockerfile of the worker, relative to the repository root. */
    public static final String DOCKERFILE = "gpu-worker/Dockerfile";
    /** The Dockerfile's step that drops the Windows and macOS natives of the ONNX Runtime jar. */
    public static final String STRIP_NATIVES_SCRIPT = "gpu-worker/strip-foreign-natives.sh";

    public WorkerImageSource {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(dockerfile, "dockerfile");
        excludes = List.copyOf(excludes);
    }

    /**
     * The repository as build context: the Dockerfile's Maven stage builds {@code gpu-worker} and its
     * reactor dependencies, so the context holds only what that build reads (poms, sources, the
     * wrapper), never {@code target/}, {@code node_modules/} or data.
     */
    public static WorkerImageSource fromRepository(Path repositoryRoot) {
        Path root = repositoryRoot.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve(DOCKERFILE))) {
            throw new IllegalArgumentException(
                    "No " + DOCKERFILE + " under " + root + "; run the CDK app from the repository's infra/ directory");
        }
        return new WorkerImageSource(
                root,
                DOCKERFILE,
                List.of(
                        "*",
                        "!pom.xml",
                        "!.mvn",
                        "!*/pom.xml",
                        "!shared/src/main",
                        "!contract/src/main",
                        "!local-aws/src/main",
                        "!gpu-worker/src/main",
                        "!" + DOCKERFILE,
                        "!" + STRIP_NATIVES_SCRIPT));
    }
}
