package dev.sieve.shared.bundle;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code manifest.json} of a model bundle: one deployable model version.
 *
 * @param format {@value #FORMAT}
 * @param version content-derived version: the first 16 hex digits of the SHA-256 over the sorted
 *     {@code name:sha256} lines of {@code files}; the same files always give the same version
 * @param createdAt ISO-8601 instant
 * @param labels class labels, in the order every model's probability vector uses
 * @param components role → file name, e.g. {@code gate → gate.bin}, {@code expert → expert.onnx},
 *     {@code expert_int8 → expert-int8.onnx}, {@code tokenizer → tokenizer.json},
 *     {@code thresholds → thresholds.json}
 * @param files file name → checksum and size, for every file of the bundle except the manifest
 * @param expert how the {@code expert} component is served; null for a bundle without an expert, or one
 *     written before this field existed (its graph then carries the same facts as metadata)
 * @param metadata free-form facts about how the bundle was made (data checksum, encoder, metrics)
 */
public record BundleManifest(
        String format,
        String version,
        String createdAt,
        List<String> labels,
        SortedMap<String, String> components,
        SortedMap<String, FileEntry> files,
        ExpertSpec expert,
        Map<String, Object> metadata) {

    public static final String FORMAT = "sieve-bundle/1";
    public static final String FILE_NAME = "manifest.json";

    /** Well-known component roles. */
    public static final String GATE = "gate";

    public static final String EXPERT = "expert";
    public static final String EXPERT_INT8 = "expert_int8";
    /** A half-precision expert graph for GPUs (same inputs and outputs as {@link #EXPERT}). */
    public static final String EXPERT_FP16 = "expert_fp16";

    public static final String TOKENIZER = "tokenizer";
    public static final String THRESHOLDS = "thresholds";

    public BundleManifest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(version, "version");
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        components = new TreeMap<>(Objects.requireNonNull(components, "components"));
        files = new TreeMap<>(Objects.requireNonNull(files, "files"));
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Checksum and size of one bundle file. */
    public record FileEntry(String sha256, long bytes) {}
}
