package dev.sieve.pricing;

import dev.sieve.pricing.WorkloadProfile.Mode;
import dev.sieve.pricing.WorkloadProfile.ModeMix;
import dev.sieve.pricing.WorkloadProfile.ResultSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cost per million items as one knob of a profile moves while the rest stays: the expert routing rate,
 * the expert batch size, the spot share, the items per request, and a few design choices side by side.
 */
public final class Sweep {

    /** One point of a series: the knob's value and the cost per million items there. */
    public record Point(double x, double usdPerMillion) {}

    /** A named line. */
    public record Series(String name, List<Point> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    /** A labelled point worth pointing at (the break-even rate, the profile's own setting). */
    public record Marker(String label, double x, double y) {}

    /** One sweep: the data of one plot. */
    public record Result(
            String id,
            String title,
            String xLabel,
            String yLabel,
            boolean logX,
            boolean logY,
            List<Series> series,
            List<Marker> markers,
            String note) {
        public Result {
            series = List.copyOf(series);
            markers = List.copyOf(markers);
        }
    }

    /** A design choice applied to the profile, with its full breakdown. */
    public record Scenario(String name, CostBreakdown breakdown) {}

    static final String Y_LABEL = "cost per million items (USD)";

    private final CostModel model;

    private Sweep(CostModel model) {
        this.model = model;
    }

    public static Sweep create(CostModel model) {
        return new Sweep(model);
    }

    /** Every line sweep, in plot order. */
    public List<Result> all(WorkloadProfile profile) {
        return List.of(expertRate(profile), batchSize(profile), spotShare(profile), itemsPerRequest(profile));
    }

    /** Tiered and expert-only cost as the routing rate goes from 0 to 100 %, with the break-even point. */
    public Result expertRate(WorkloadProfile profile) {
        List<Series> series = new ArrayList<>();
        series.add(rateSeries("tiered: gate + expert (" + describe(profile) + ")", profile));
        double expertOnly = model.expertOnly(profile).totalPerMillion();
        series.add(new Series(
                "expert only: every item on the GPU", List.of(new Point(0, expertOnly), new Point(100, expertOnly))));
        double breakEven = model.breakEvenExpertRate(profile);
        double here = model.tiered(profile).totalPerMillion();
        List<Marker> markers = List.of(
                new Marker(
                        String.format(Locale.ROOT, "break-even: %.1f%% routed", 100 * breakEven),
                        100 * breakEven,
                        expertOnly),
                new Marker(
                        String.format(
                                Locale.ROOT, "this profile: %.1f%% routed, $%.4f/M", 100 * profile.expertRate(), here),
                        100 * profile.expertRate(),
                        here));
        return new Result(
                "cost-vs-expert-rate",
                "Cost per million items vs share of items sent to the GPU expert",
                "items routed to the expert (%)",
                Y_LABEL,
                false,
                false,
                series,
                markers,
                "Below the break-even rate the gate pays for itself.");
    }

    private Series rateSeries(String name, WorkloadProfile profile) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            double r = i / 100.0;
            points.add(new Point(
                    i, model.evaluate(profile, r, profile.gateMsPerItem()).totalPerMillion()));
        }
        return new Series(name, points);
    }

    /** Tiered cost vs expert batch size, one line per instance type of the throughput table. */
    public Result batchSize(WorkloadProfile profile) {
        List<Series> series = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        for (String type : instanceTypes()) {
            List<Point> points = new ArrayList<>();
            WorkloadProfile typed = profile.toBuilder().expertInstanceType(type).build();
            for (ThroughputTable.Point p : model.throughputTable().curve(type)) {
                WorkloadProfile at =
                        typed.toBuilder().expertBatchSize(p.batchSize()).build();
                points.add(new Point(p.batchSize(), model.tiered(at).totalPerMillion()));
            }
            series.add(new Series(type + " (" + spotLabel(profile) + ")", points));
            if (type.equals(profile.expertInstanceType())) {
                markers.add(new Marker(
                        "this profile: batch " + profile.expertBatchSize(),
                        profile.expertBatchSize(),
                        model.tiered(profile).totalPerMillion()));
            }
        }
        String note = "Points are the throughput table's batch sizes; small batches leave the GPU waiting, so each"
                + " item costs more GPU time.";
        return new Result(
                "cost-vs-batch-size",
                String.format(
                        Locale.ROOT,
                        "Cost per million items vs expert batch size (%.1f%% routed, %.0f tokens/item)",
                        100 * profile.expertRate(),
                        CostModel.expertTokens(profile)),
                "expert batch size (items per GPU batch, log scale)",
                Y_LABEL,
                true,
                false,
                series,
                markers,
                note);
    }

    /** Tiered cost vs the share of GPU hours on spot, one line per instance type. */
    public Result spotShare(WorkloadProfile profile) {
        List<Series> series = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        for (String type : instanceTypes()) {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i <= 20; i++) {
                double s = i / 20.0;
                WorkloadProfile at = profile.toBuilder()
                        .expertInstanceType(type)
                        .spotFraction(s)
                        .build();
                points.add(new Point(100 * s, model.tiered(at).totalPerMillion()));
            }
            series.add(new Series(type + " at batch " + profile.expertBatchSize(), points));
            if (type.equals(profile.expertInstanceType())) {
                markers.add(new Marker(
                        String.format(Locale.ROOT, "this profile: %.0f%% spot", 100 * profile.spotFraction()),
                        100 * profile.spotFraction(),
                        model.tiered(profile).totalPerMillion()));
            }
        }
        return new Result(
                "cost-vs-spot-share",
                String.format(
                        Locale.ROOT,
                        "Cost per million items vs share of GPU hours on spot (%.1f%% routed)",
                        100 * profile.expertRate()),
                "GPU instance-hours on spot (%); spot prices are estimates",
                Y_LABEL,
                false,
                false,
                series,
                markers,
                String.format(
                        Locale.ROOT,
                        "GPU instances are %.0f%% of this profile's bill, which bounds what spot can save. Spot hours"
                                + " include %.0f%% rework for interruptions.",
                        100 * gpuShare(model.tiered(profile)),
                        100 * profile.spotReworkFraction()));
    }

    /** Tiered cost vs items per HTTP request, real-time and async. */
    public Result itemsPerRequest(WorkloadProfile profile) {
        int[] sizes = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
        List<Series> series = new ArrayList<>();
        for (Mode mode : List.of(Mode.REALTIME, Mode.ASYNC)) {
            List<Point> points = new ArrayList<>();
            for (int n : sizes) {
                WorkloadProfile at = profile.toBuilder()
                        .modeMix(ModeMix.of(mode))
                        .itemsPerRequest(n)
                        .build();
                points.add(new Point(n, model.tiered(at).totalPerMillion()));
            }
            series.add(new Series(mode == Mode.REALTIME ? "real-time requests" : "async requests", points));
        }
        WorkloadProfile batch =
                profile.toBuilder().modeMix(ModeMix.of(Mode.BATCH)).build();
        double batchCost = model.tiered(batch).totalPerMillion();
        series.add(new Series(
                "batch-transform (chunks of " + profile.batchChunkItems() + ", for reference)",
                List.of(new Point(sizes[0], batchCost), new Point(sizes[sizes.length - 1], batchCost))));
        return new Result(
                "cost-vs-items-per-request",
                String.format(
                        Locale.ROOT,
                        "Cost per million items vs items per HTTP request (%.1f%% routed)",
                        100 * profile.expertRate()),
                "items per request (log scale)",
                Y_LABEL + ", log scale",
                true,
                true,
                series,
                List.of(),
                "Small requests pay API Gateway, Lambda and queue overhead per request.");
    }

    /** The same workload under a few design choices, each with its full breakdown. */
    public List<Scenario> designChoices(WorkloadProfile profile) {
        WorkloadProfile batch = profile.toBuilder()
                .modeMix(ModeMix.of(Mode.BATCH))
                .batchResultSink(ResultSink.S3_PART_FILES)
                .spotFraction(0)
                .build();
        WorkloadProfile realtime =
                batch.toBuilder().modeMix(ModeMix.of(Mode.REALTIME)).build();
        List<Scenario> out = new ArrayList<>();
        out.add(new Scenario("batch, S3 part files", model.tiered(batch)));
        out.add(new Scenario(
                "batch, 1 DynamoDB item/result",
                model.tiered(batch.toBuilder()
                        .batchResultSink(ResultSink.DYNAMODB_PER_ITEM)
                        .build())));
        out.add(new Scenario(
                "batch, 70% spot",
                model.tiered(batch.toBuilder().spotFraction(0.7).build())));
        out.add(new Scenario("real-time, " + profile.itemsPerRequest() + " items/req", model.tiered(realtime)));
        out.add(new Scenario(
                "real-time, 1 item/req",
                model.tiered(realtime.toBuilder().itemsPerRequest(1).build())));
        out.add(new Scenario(
                "async, " + profile.itemsPerRequest() + " items/req",
                model.tiered(batch.toBuilder().modeMix(ModeMix.of(Mode.ASYNC)).build())));
        out.add(new Scenario("batch, expert only (no gate)", model.expertOnly(batch)));
        return out;
    }

    private static double gpuShare(CostBreakdown b) {
        return (b.perMillion(Component.GPU_INSTANCES) + b.perMillion(Component.IDLE)) / b.totalPerMillion();
    }

    private List<String> instanceTypes() {
        List<String> priced = model.prices().instanceTypes();
        return model.throughputTable().instanceTypes().stream()
                .filter(priced::contains)
                .toList();
    }

    private static String describe(WorkloadProfile p) {
        List<String> parts = new ArrayList<>();
        for (Mode m : Mode.values()) {
            double share = p.modeMix().share(m);
            if (share > 0) {
                parts.add(
                        share == 1 ? m.jsonName() : String.format(Locale.ROOT, "%s %.0f%%", m.jsonName(), 100 * share));
            }
        }
        return String.join(" + ", parts) + ", " + p.expertInstanceType();
    }

    private static String spotLabel(WorkloadProfile p) {
        return p.spotFraction() == 0 ? "on-demand" : String.format(Locale.ROOT, "%.0f%% spot", 100 * p.spotFraction());
    }

    /** Writes every line sweep as rows {@code plot,series,x_label,x,cost_per_million_usd}. */
    public static void writeCsv(List<Result> results, Path file) {
        StringBuilder csv = new StringBuilder("plot,series,x_label,x,cost_per_million_usd\n");
        for (Result r : results) {
            for (Series s : r.series()) {
                for (Point p : s.points()) {
                    csv.append(r.id())
                            .append(',')
                            .append(quote(s.name()))
                            .append(',')
                            .append(quote(r.xLabel()))
                            .append(',')
                            .append(p.x())
                            .append(',')
                            .append(String.format(Locale.ROOT, "%.8f", p.usdPerMillion()))
                            .append('\n');
                }
            }
        }
        write(file, csv.toString());
    }

    /** Writes the design-choice breakdowns as rows {@code scenario,component,usd_per_million}. */
    public static void writeBreakdownCsv(List<Scenario> scenarios, Path file) {
        StringBuilder csv = new StringBuilder("scenario,component,usd_per_million\n");
        for (Scenario s : scenarios) {
            s.breakdown().usdPerMillion().forEach((c, v) -> csv.append(quote(s.name()))
                    .append(',')
                    .append(c.jsonName())
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.8f", v))
                    .append('\n'));
            csv.append(quote(s.name()))
                    .append(",total,")
                    .append(String.format(Locale.ROOT, "%.8f", s.breakdown().totalPerMillion()))
                    .append('\n');
        }
        write(file, csv.toString());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
