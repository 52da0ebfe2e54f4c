package dev.sieve.pricing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Measured (or estimated) expert throughput: items per second of one GPU instance at a batch size and a
 * sequence length.
 *
 * <p>File format (written by Sieve's worker benchmark, or by hand), either one point:
 *
 * <pre>{@code
 * {"instance_type": "g5.xlarge", "items_per_s": 2450.0, "batch_size": 128, "seq_len": 256,
 *  "source": "sieve worker benchmark, 2026-11-20, MiniLM-L6 fp16 ONNX"}
 * }</pre>
 *
 * or a curve over batch sizes (and instance types):
 *
 * <pre>{@code
 * {"source": "...", "points": [
 *   {"instance_type": "g5.xlarge", "batch_size": 32, "items_per_s": 1500.0, "seq_len": 256},
 *   {"instance_type": "g5.xlarge", "batch_size": 128, "items_per_s": 2450.0, "seq_len": 256}]}
 * }</pre>
 *
 * <p>{@code seq_len} (optional, default 128) is the padded sequence length the benchmark ran at. Between
 * measured batch sizes items/s is interpolated linearly in log2(batch size); outside them it is held at the
 * nearest point. A profile whose items are longer or shorter than {@code seq_len} is scaled by the
 * sequence-length shape measured on the H100 ({@link #sequenceFactor(double)}).
 */
public final class ThroughputTable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Sequence lengths and H100 items/s at large batch (MiniLM-L6 shape, FINDINGS.md "GPU reference"). */
    private static final double[][] H100_SEQ_SHAPE = {{128, 82_600}, {256, 40_000}, {512, 18_000}};

    /** H100 measured points at sequence length 128 (MiniLM-L6 shape, PyTorch fp16, padded batches). */
    static final double H100_B128 = 54_000;

    static final double H100_B1024 = 82_600;

    /** Dense FP16 tensor-core TFLOPS from NVIDIA datasheets (no sparsity): the scaling rule's input. */
    static final Map<String, Double> GPU_DENSE_FP16_TFLOPS =
            Map.of("H100-SXM", 989.0, "T4", 65.0, "A10G", 125.0, "L4", 121.0);

    /** GPU of each instance type the reference table covers. */
    static final Map<String, String> INSTANCE_GPU = Map.of("g4dn.xlarge", "T4", "g5.xlarge", "A10G", "g6.xlarge", "L4");

    /** The reference table's source line, shown wherever its numbers are used. */
    public static final String REFERENCE_SOURCE =
            "DEFAULT REFERENCE (scaled estimate, not a measurement): H100 measured"
                    + " MiniLM-L6 fp16 (54k items/s at batch 128, 82.6k at batch 1024, seq 128; FINDINGS.md) fitted to"
                    + " items/s = M*b/(b+h), then scaled by dense FP16 tensor TFLOPS (T4 65, A10G 125, L4 121, H100 989)."
                    + " Pass --throughput with a benchmark of your own worker to replace it.";

    /** One measured point. */
    public record Point(String instanceType, int batchSize, double itemsPerSecond, double seqLen) {
        public Point {
            if (instanceType == null || instanceType.isBlank()) {
                throw new InvalidPricingInputException("throughput instance_type is required");
            }
            InvalidPricingInputException.checkRange("throughput batch_size", batchSize, 1, 1 << 20);
            InvalidPricingInputException.checkPositive("throughput items_per_s", itemsPerSecond, 1e9);
            InvalidPricingInputException.checkRange("throughput seq_len", seqLen, 1, 1e6);
        }
    }

    /** Throughput for a profile, with where the number comes from. */
    public record Throughput(
            String instanceType,
            int batchSize,
            double tokensPerItem,
            double itemsPerSecond,
            String source,
            boolean estimate) {}

    private final List<Point> points;
    private final String source;
    private final boolean estimate;

    private ThroughputTable(List<Point> points, String source, boolean estimate) {
        if (points.isEmpty()) {
            throw new InvalidPricingInputException("throughput file has no points");
        }
        this.points = points.stream()
                .sorted(Comparator.comparing(Point::instanceType).thenComparingInt(Point::batchSize))
                .toList();
        this.source = source;
        this.estimate = estimate;
    }

    /** A table of measured points. */
    public static ThroughputTable of(List<Point> points, String source) {
        return new ThroughputTable(List.copyOf(points), source, false);
    }

    /**
     * The default reference table (estimates, clearly labelled): the H100 measurement fitted to a saturation
     * curve over batch size, scaled to T4 / A10G / L4 by dense FP16 TFLOPS. Small encoders usually use a
     * small GPU better than an H100, so the scaled numbers tend to understate throughput (overstate cost).
     */
    public static ThroughputTable reference() {
        // items/s(b) = M*b/(b+h) through (128, 54k) and (1024, 82.6k): solve for h, then M.
        double halfBatch = solveHalfBatch();
        double max = H100_B1024 * (1024 + halfBatch) / 1024;
        List<Point> points = new ArrayList<>();
        double h100 = GPU_DENSE_FP16_TFLOPS.get("H100-SXM");
        for (Map.Entry<String, String> e : INSTANCE_GPU.entrySet()) {
            double scale = GPU_DENSE_FP16_TFLOPS.get(e.getValue()) / h100;
            for (int b = 1; b <= 1024; b *= 2) {
                points.add(new Point(e.getKey(), b, scale * max * b / (b + halfBatch), 128));
            }
        }
        return new ThroughputTable(points, REFERENCE_SOURCE, true);
    }

    /** h of items/s = M*b/(b+h) through the two measured H100 points. */
    static double solveHalfBatch() {
        // 54k = M*128/(128+h), 82.6k = M*1024/(1024+h)  =>  r = 82.6/54 = 8(128+h)/(1024+h)
        //  =>  h = 1024 (r - 1) / (8 - r)  (about 83.8 items)
        double r = H100_B1024 / H100_B128;
        return 1024 * (r - 1) / (8 - r);
    }

    /** Reads a throughput file (one point or {@code points}); see the class comment for the format. */
    public static ThroughputTable load(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidPricingInputException("throughput file not found: " + file);
        } catch (JsonProcessingException e) {
            throw new InvalidPricingInputException(
                    "throughput file " + file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidPricingInputException("cannot read throughput file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPricingInputException("throughput file " + file + " must hold a JSON object");
        }
        String source = root.path("source").asText("benchmark file " + file.getFileName());
        List<Point> points = new ArrayList<>();
        if (root.has("points")) {
            for (JsonNode p : root.get("points")) {
                points.add(point(p, root));
            }
        } else {
            points.add(point(root, root));
        }
        return new ThroughputTable(points, source, root.path("estimate").asBoolean(false));
    }

    private static Point point(JsonNode p, JsonNode defaults) {
        JsonNode type = p.has("instance_type") ? p.get("instance_type") : defaults.get("instance_type");
        JsonNode items = p.get("items_per_s");
        JsonNode batch = p.get("batch_size");
        if (type == null || !type.isTextual()) {
            throw new InvalidPricingInputException("throughput instance_type must be a string like \"g5.xlarge\"");
        }
        if (items == null || !items.isNumber()) {
            throw new InvalidPricingInputException("throughput items_per_s must be a number greater than 0");
        }
        if (batch == null || !batch.canConvertToInt()) {
            throw new InvalidPricingInputException(
                    "throughput batch_size must be a whole number between 1 and 1048576");
        }
        JsonNode seq = p.has("seq_len") ? p.get("seq_len") : defaults.get("seq_len");
        return new Point(type.asText(), batch.asInt(), items.asDouble(), seq == null ? 128 : seq.asDouble());
    }

    /**
     * Items/s of one {@code instanceType} at {@code batchSize} for items of {@code tokensPerItem} tokens
     * (already truncated to the model's maximum).
     */
    public Throughput lookup(String instanceType, int batchSize, double tokensPerItem) {
        List<Point> curve = curve(instanceType);
        if (curve.isEmpty()) {
            throw new InvalidPricingInputException("no throughput for expert_instance_type \"" + instanceType
                    + "\"; the throughput table has: " + String.join(", ", instanceTypes()));
        }
        Point lo = curve.get(0);
        Point hi = curve.get(curve.size() - 1);
        double items;
        double seqLen;
        if (batchSize <= lo.batchSize()) {
            items = lo.itemsPerSecond();
            seqLen = lo.seqLen();
        } else if (batchSize >= hi.batchSize()) {
            items = hi.itemsPerSecond();
            seqLen = hi.seqLen();
        } else {
            int i = 1;
            while (curve.get(i).batchSize() < batchSize) {
                i++;
            }
            Point a = curve.get(i - 1);
            Point b = curve.get(i);
            double t = (log2(batchSize) - log2(a.batchSize())) / (log2(b.batchSize()) - log2(a.batchSize()));
            double aItems = a.itemsPerSecond() * sequenceFactor(tokensPerItem) / sequenceFactor(a.seqLen());
            double bItems = b.itemsPerSecond() * sequenceFactor(tokensPerItem) / sequenceFactor(b.seqLen());
            return new Throughput(
                    instanceType, batchSize, tokensPerItem, aItems + t * (bItems - aItems), source, estimate);
        }
        double scaled = items * sequenceFactor(tokensPerItem) / sequenceFactor(seqLen);
        return new Throughput(instanceType, batchSize, tokensPerItem, scaled, source, estimate);
    }

    /**
     * Relative throughput at a sequence length, 1 at 128 tokens: the H100 measurement's shape (128: 82.6k,
     * 256: 40k, 512: 18k items/s), interpolated log-log, held flat below 128 (not measured) and extrapolated
     * log-log above 512.
     */
    public static double sequenceFactor(double tokens) {
        double[][] s = H100_SEQ_SHAPE;
        if (tokens <= s[0][0]) {
            return 1;
        }
        int i = 1;
        while (i < s.length - 1 && tokens > s[i][0]) {
            i++;
        }
        double x0 = Math.log(s[i - 1][0]);
        double x1 = Math.log(s[i][0]);
        double y0 = Math.log(s[i - 1][1]);
        double y1 = Math.log(s[i][1]);
        double y = y0 + (Math.log(tokens) - x0) * (y1 - y0) / (x1 - x0);
        return Math.exp(y) / s[0][1];
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The points of one instance type, by batch size. */
    public List<Point> curve(String instanceType) {
        return points.stream()
                .filter(p -> p.instanceType().equals(instanceType))
                .toList();
    }

    public List<String> instanceTypes() {
        TreeSet<String> types = new TreeSet<>();
        points.forEach(p -> types.add(p.instanceType()));
        return List.copyOf(types);
    }

    public List<Point> points() {
        return points;
    }

    public String source() {
        return source;
    }

    /** True for the built-in reference table (scaled estimates). */
    public boolean estimate() {
        return estimate;
    }
}
