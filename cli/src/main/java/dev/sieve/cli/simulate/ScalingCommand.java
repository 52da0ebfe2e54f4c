package dev.sieve.cli.simulate;

import dev.sieve.shared.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sieve simulate scaling}: replays a traffic trace against the worker scaling of the template. */
@Command(
        name = "scaling",
        mixinStandardHelpOptions = true,
        description = "Replays a traffic trace at 60 s ticks against the worker scaling policies and alarms of the"
                + " synthesized template (CloudWatch alarms, Application Auto Scaling, ECS capacity); prints"
                + " backlog, desired and running tasks, queue wait and GPU-hours, writes a per-tick CSV and a PNG.")
public final class ScalingCommand implements Callable<Integer> {
    static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--template",
            defaultValue = "infra/cdk.out/Sieve.template.json",
            description = "Synthesized template (default: ${DEFAULT-VALUE}; write it with"
                    + " cd infra && SIEVE_CDK_SKIP_BUILD=true npx cdk synth --quiet).")
    Path template;

    @Option(
            names = "--trace",
            paramLabel = "FILE.csv",
            description = "minute,items_per_second lines (default: a built-in day with bursts, a steady plateau,"
                    + " a 7-hour quiet night and then one single item).")
    Path trace;

    @Option(
            names = "--items-per-second-per-task",
            defaultValue = "150",
            description = "One worker task's throughput: worker_items_per_s of sieve bench worker --json on the"
                    + " target instance type (default: ${DEFAULT-VALUE}).")
    double itemsPerSecondPerTask;

    @Option(
            names = "--items-per-message",
            defaultValue = "25",
            description = "Items per queue message (default: ${DEFAULT-VALUE}, as sieve bench worker --message-items).")
    int itemsPerMessage;

    @Option(
            names = "--instance-boot-seconds",
            defaultValue = "180",
            description = "Launch to registered container instance (default: ${DEFAULT-VALUE}).")
    int instanceBootSeconds;

    @Option(
            names = "--image-pull-seconds",
            defaultValue = "240",
            description = "Worker image pull and start on a fresh instance (default: ${DEFAULT-VALUE}).")
    int imagePullSeconds;

    @Option(
            names = "--instance-idle-minutes",
            defaultValue = "15",
            description = "An instance without a task lives this long (default: ${DEFAULT-VALUE}).")
    int instanceIdleMinutes;

    @Option(
            names = "--metrics-resume-minutes",
            defaultValue = "15",
            description = "Delay before a queue inactive for 6 hours publishes metrics again (default:"
                    + " ${DEFAULT-VALUE}).")
    int metricsResumeMinutes;

    @Option(
            names = "--out",
            defaultValue = "target/simulate",
            description = "Directory for scaling.csv and scaling.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            ScalingSimulator.Options options = new ScalingSimulator.Options(
                    itemsPerSecondPerTask,
                    itemsPerMessage,
                    instanceBootSeconds,
                    imagePullSeconds,
                    instanceIdleMinutes,
                    metricsResumeMinutes);
            ScalingTemplate scaling = ScalingTemplate.read(template);
            Trace replayed = trace == null ? Trace.builtInDay() : Trace.fromCsv(trace);
            ScalingSimulator.Result result = new ScalingSimulator(scaling, options).run(replayed);
            Path csv = out.resolve("scaling.csv");
            Path png = out.resolve("scaling.png");
            ScalingPlot.writeCsv(result.ticks(), csv);
            ScalingPlot.writePng(
                    result.ticks(),
                    "sieve simulate scaling: target " + scaling.targetValue() + " messages/task, max "
                            + scaling.maxCapacity() + " tasks",
                    png);
            if (json) {
                stdout.println(Json.write(result.summary()));
            } else {
                for (Map.Entry<String, Object> e : result.summary().entrySet()) {
                    stdout.printf("%-32s %s%n", e.getKey(), e.getValue());
                }
                stdout.println("per-tick CSV: " + csv);
                stdout.println("plot:         " + png);
            }
            stdout.flush();
            return 0;
        } catch (ScalingTemplate.TemplateException | IllegalArgumentException | java.io.UncheckedIOException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("sieve simulate scaling: " + e.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
    }
}
