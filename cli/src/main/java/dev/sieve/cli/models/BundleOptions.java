package dev.sieve.cli.models;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of every command that works on a trained bundle and its recorded data split:
 * {@code --bundle} and {@code --data}. Used as a picocli {@code @Mixin}; {@link ModelCommand#openBundle}
 * resolves the default.
 */
public final class BundleOptions {
    @Option(names = "--bundle", paramLabel = "DIR", description = "Bundle directory (default: the SpamAssassin one).")
    Path bundleDir;

    @Option(names = "--data", paramLabel = "FILE", description = "The data the bundle was trained on, if moved.")
    Path data;

    /** The training data file given with {@code --data}, or null to use the one the bundle records. */
    public Path data() {
        return data;
    }
}
