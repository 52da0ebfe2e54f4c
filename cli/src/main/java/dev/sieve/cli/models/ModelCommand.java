package dev.sieve.cli.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sieve.gate.model.GateModelException;
import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.ModelBundle;
import dev.sieve.shared.corpus.CorpusException;
import dev.sieve.shared.json.Json;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Base of the model commands: runs {@link #execute()} and turns every failure into one line on
 * stderr naming the problem (exit code 2), never a stack trace.
 */
public abstract class ModelCommand implements Callable<Integer> {
    /** Exit code for bad input, bad data or a bad bundle. */
    public static final int EXIT_USAGE = 2;

    private static final ObjectMapper JSON_WITH_NULLS =
            Json.mapper().copy().setSerializationInclusion(JsonInclude.Include.ALWAYS);

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Where downloads, decoded corpora and default bundles are cached (default: ~/.cache/sieve).")
    protected Path cacheDir;

    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (UserInputException
                | CorpusException
                | BundleException
                | GateModelException
                | IllegalArgumentException
                | UncheckedIOException e) {
            err().println(name() + ": " + e.getMessage());
            err().flush();
            return EXIT_USAGE;
        } catch (OutOfMemoryError e) {
            err().println(name() + ": out of memory (" + e.getMessage() + "); raise -Xmx through SIEVE_JAVA_OPTS");
            return 1;
        } catch (Exception e) {
            err().println(name() + ": failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            err().flush();
            return 1;
        }
    }

    protected Path cacheDir() {
        return cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sieve");
    }

    /** The bundle directory to use when none is given. */
    protected Path defaultBundleDir() {
        return cacheDir().resolve("bundles").resolve("spamassassin");
    }

    /** Opens the bundle named by {@code --bundle}, or the default SpamAssassin bundle. */
    protected ModelBundle openBundle(BundleOptions options) {
        return ModelBundle.open(options.bundleDir == null ? defaultBundleDir() : options.bundleDir);
    }

    /** Prints one JSON line, keeping null fields (a missing figure is shown as null, not dropped). */
    protected void printJsonLine(Object value) throws JsonProcessingException {
        out().println(JSON_WITH_NULLS.writeValueAsString(value));
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Progress messages go to stderr so stdout stays machine-readable. */
    protected void progress(String message) {
        err().println(message);
        err().flush();
    }

    private String name() {
        return spec == null ? "sieve" : spec.qualifiedName();
    }
}
