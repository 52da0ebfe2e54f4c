package dev.sieve.cli.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link LoadSimulation} in this JVM through Gatling's own entry point (no Maven or Gradle plugin):
 * one call per load step, each writing its HTML report under {@code resultsDir} unless reports are off.
 * Gatling needs {@code java.lang} opened to it ({@code --add-opens java.base/java.lang=ALL-UNNAMED}); the
 * {@code sieve} jar's manifest does that.
 */
final class GatlingRunner {
    private final Path resultsDir;
    private final boolean reports;

    GatlingRunner(Path resultsDir, boolean reports) {
        this.resultsDir = resultsDir;
        this.reports = reports;
    }

    /** Runs one step; Gatling's exit status (0 when the run itself completed). */
    synchronized int run(LoadSimulation.Plan plan, String description) {
        LoadSimulation.plan = plan;
        try {
            List<String> args = new ArrayList<>(List.of(
                    "-s",
                    LoadSimulation.class.getName(),
                    "-rf",
                    resultsDir.toAbsolutePath().toString(),
                    "-rd",
                    description,
                    "-l",
                    "sieve"));
            if (!reports) {
                args.add("-nr");
            }
            return io.gatling.app.Gatling$.MODULE$.fromArgs(args.toArray(String[]::new));
        } finally {
            LoadSimulation.plan = null;
        }
    }
}
