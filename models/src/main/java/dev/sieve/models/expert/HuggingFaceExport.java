package dev.sieve.models.expert;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ExpertGraphContract;
import dev.sieve.shared.bundle.ExpertSpec;
import dev.sieve.shared.json.Json;
import dev.sieve.worker.expert.SessionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A standard Hugging Face sequence-classification export brought by the user: an ONNX graph with the
 * inputs {@code input_ids}, {@code attention_mask} (optionally {@code token_type_ids}) and the output
 * {@code logits [batch, classes]}, its {@code tokenizer.json}, and the {@code config.json} whose {@code
 * id2label} names the classes in the order of the logits. {@link #copyInto} places the files into a bundle
 * directory unchanged and declares them as an {@link ExpertSpec} with output {@code logits}; the worker
 * serves them as they are.
 */
public final class HuggingFaceExport {
    /** Tokens fed to an imported graph unless the caller asks for another length. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    private final Path onnx;
    private final Path tokenizer;
    private final List<String> labels;
    private final int maxPositions;

    private HuggingFaceExport(Path onnx, Path tokenizer, List<String> labels, int maxPositions) {
        this.onnx = onnx;
        this.tokenizer = tokenizer;
        this.labels = List.copyOf(labels);
        this.maxPositions = maxPositions;
    }

    /**
     * Reads {@code config.json} and checks the graph's inputs and outputs.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing or wrong
     */
    public static HuggingFaceExport open(Path onnx, Path tokenizer, Path config) {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(config, "config");
        requireFile(onnx, "--onnx");
        requireFile(tokenizer, "--tokenizer");
        Map<String, Object> json = readConfig(config);
        List<String> labels = id2label(json, config);
        int maxPositions = json.get("max_position_embeddings") instanceof Number n ? n.intValue() : 0;
        checkGraph(onnx, labels.size());
        return new HuggingFaceExport(onnx, tokenizer, labels, maxPositions);
    }

    /** What an ONNX export computes, read from its outputs. */
    public enum Layout {
        /** A sequence classifier: output {@code logits [batch, classes]}, served unchanged. */
        CLASSIFIER,
        /** An encoder only: output {@code last_hidden_state [batch, tokens, hidden]}; Sieve trains a head. */
        ENCODER
    }

    /**
     * The layout of {@code onnx}: {@link Layout#CLASSIFIER} when it has a {@code logits} output, {@link
     * Layout#ENCODER} when it has {@code last_hidden_state} instead.
     *
     * @throws IllegalArgumentException when it is neither, or when the token inputs are missing
     */
    public static Layout layout(Path onnx) {
        requireFile(onnx, "--onnx");
        try (OrtSession session = SessionFactory.open(onnx, -1, 1)) {
            Set<String> inputs = session.getInputNames();
            Set<String> outputs = session.getOutputNames();
            for (String required : List.of(ExpertGraphContract.INPUT_IDS, ExpertGraphContract.ATTENTION_MASK)) {
                if (!inputs.contains(required)) {
                    throw new IllegalArgumentException("--onnx " + onnx + " has no input '" + required + "' (inputs "
                            + inputs + "); a Hugging Face export takes input_ids and attention_mask");
                }
            }
            if (outputs.contains(ExpertGraphContract.LOGITS)) {
                return Layout.CLASSIFIER;
            }
            if (outputs.contains(ExpertGraphContract.LAST_HIDDEN_STATE)) {
                return Layout.ENCODER;
            }
            throw new IllegalArgumentException("--onnx " + onnx + " has neither a 'logits' output (a sequence"
                    + " classifier) nor 'last_hidden_state' (an encoder); outputs " + outputs);
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "--onnx " + onnx + " is not an ONNX graph ONNX Runtime can load: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code max_position_embeddings} of a {@code config.json}, or 0 when it has none.
     *
     * @throws IllegalArgumentException when the file is not a JSON object
     */
    public static int maxPositions(Path config) {
        return readConfig(config).get("max_position_embeddings") instanceof Number n ? n.intValue() : 0;
    }

    /** The classes, in the order of the graph's logits ({@code id2label} by id). */
    public List<String> labels() {
        return labels;
    }

    /**
     * The label order of a bundle trained on data with {@code dataLabels}: {@code id2label}'s order, when
     * both name the same classes.
     *
     * @throws IllegalArgumentException naming the labels only the data has and those only {@code id2label} has
     */
    public List<String> reconcile(List<String> dataLabels) {
        return reconcile(labels, dataLabels);
    }

    static List<String> reconcile(List<String> labels, List<String> dataLabels) {
        Set<String> inData = new TreeSet<>(dataLabels);
        Set<String> inModel = new TreeSet<>(labels);
        if (inData.equals(inModel)) {
            return labels;
        }
        Set<String> onlyData = new TreeSet<>(inData);
        onlyData.removeAll(inModel);
        Set<String> onlyModel = new TreeSet<>(inModel);
        onlyModel.removeAll(inData);
        StringBuilder message =
                new StringBuilder("the labels of the data do not match the classifier's id2label " + labels + ":");
        if (!onlyData.isEmpty()) {
            message.append(" the data has ").append(onlyData).append(", which id2label lacks;");
        }
        if (!onlyModel.isEmpty()) {
            message.append(" id2label has ").append(onlyModel).append(", which no item of the data has;");
        }
        message.append(" rename the labels in the data or in config.json so that both name the same classes");
        throw new IllegalArgumentException(message.toString());
    }

    /** The token length to feed: {@code requested}, else 256 capped by the model's {@code max_position_embeddings}. */
    public int maxTokens(Integer requested) {
        return maxTokens(requested, maxPositions);
    }

    /**
     * The token length to feed a graph whose {@code max_position_embeddings} is {@code maxPositions} (0:
     * unknown): {@code requested}, else 256 capped by the model's limit.
     */
    public static int maxTokens(Integer requested, int maxPositions) {
        int limit = maxPositions > 0 ? maxPositions : 8192;
        if (requested != null) {
            if (requested > limit) {
                throw new IllegalArgumentException(
                        "--max-tokens " + requested + " exceeds the model's max_position_embeddings " + maxPositions);
            }
            return requested;
        }
        // RoBERTa-style configs count two offset positions (514 for 512 tokens)
        return Math.min(DEFAULT_MAX_TOKENS, maxPositions > 2 ? maxPositions - 2 : DEFAULT_MAX_TOKENS);
    }

    /** The files the import wrote, how the worker serves them, and where they came from. */
    public record Imported(Map<String, String> components, ExpertSpec spec, Map<String, Object> metadata) {}

    /**
     * Copies the graph and the tokenizer into {@code bundleDir} as {@code expert.onnx} and {@code
     * tokenizer.json}, unchanged.
     */
    public Imported copyInto(Path bundleDir, int maxTokens, int tailTokens) {
        ExpertSpec spec = ExpertSpec.logits(maxTokens, tailTokens);
        try {
            Files.createDirectories(bundleDir);
            Files.copy(onnx, bundleDir.resolve(ExpertGraphContract.EXPERT_FILE), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(
                    tokenizer,
                    bundleDir.resolve(ExpertGraphContract.TOKENIZER_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the export into " + bundleDir + ": " + e.getMessage(), e);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("source", "imported Hugging Face sequence-classification export");
        metadata.put("onnx", onnx.toAbsolutePath().toString());
        metadata.put("tokenizer", tokenizer.toAbsolutePath().toString());
        metadata.put("id2label", labels);
        metadata.put("max_tokens", maxTokens);
        metadata.put("tail_tokens", tailTokens);
        metadata.put("truncation", tailTokens == 0 ? "head" : "head+tail");
        return new Imported(
                Map.of(
                        BundleManifest.EXPERT, ExpertGraphContract.EXPERT_FILE,
                        BundleManifest.TOKENIZER, ExpertGraphContract.TOKENIZER_FILE),
                spec,
                metadata);
    }

    private static void requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + " is not a file");
        }
    }

    private static Map<String, Object> readConfig(Path config) {
        try {
            return Json.mapper().readValue(Files.readAllBytes(config), new TypeReference<Map<String, Object>>() {});
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--config " + config + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--config " + config + " is not a JSON object (a Hugging Face config.json): " + e.getMessage(), e);
        }
    }

    static List<String> id2label(Map<String, Object> config, Path file) {
        if (!(config.get("id2label") instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new IllegalArgumentException(file + " has no 'id2label' object (class id -> label); a"
                    + " sequence-classification export's config.json has one, e.g. {\"0\": \"ham\", \"1\": \"spam\"}");
        }
        String[] labels = new String[map.size()];
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(String.valueOf(entry.getKey()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": id2label key '" + entry.getKey()
                        + "' is not a class id (0.." + (map.size() - 1) + ")");
            }
            if (id < 0 || id >= labels.length) {
                throw new IllegalArgumentException(
                        file + ": id2label ids must be 0.." + (labels.length - 1) + " without gaps, found " + id);
            }
            String label = String.valueOf(entry.getValue());
            if (label.isBlank()) {
                throw new IllegalArgumentException(file + ": id2label[" + id + "] is blank");
            }
            labels[id] = label;
        }
        List<String> ordered = List.of(labels);
        if (new TreeSet<>(ordered).size() != ordered.size()) {
            throw new IllegalArgumentException(file + ": id2label names a label twice: " + ordered);
        }
        if (ordered.size() < 2) {
            throw new IllegalArgumentException(file + ": id2label needs at least two classes, got " + ordered);
        }
        return ordered;
    }

    private static void checkGraph(Path onnx, int classes) {
        try (OrtSession session = SessionFactory.open(onnx, -1, 1)) {
            Set<String> inputs = session.getInputNames();
            Set<String> outputs = session.getOutputNames();
            List<String> problems = new ArrayList<>();
            for (String required : List.of(ExpertGraphContract.INPUT_IDS, ExpertGraphContract.ATTENTION_MASK)) {
                if (!inputs.contains(required)) {
                    problems.add("no input '" + required + "'");
                }
            }
            if (!outputs.contains(ExpertGraphContract.LOGITS)) {
                problems.add("no output '" + ExpertGraphContract.LOGITS + "'"
                        + (outputs.contains(ExpertGraphContract.LAST_HIDDEN_STATE)
                                ? " (it is an encoder-only export: import it without --config and Sieve trains a head)"
                                : ""));
            } else {
                NodeInfo logits = session.getOutputInfo().get(ExpertGraphContract.LOGITS);
                if (logits.getInfo() instanceof TensorInfo tensor) {
                    long[] shape = tensor.getShape();
                    if (shape.length != 2) {
                        problems.add("output 'logits' has " + shape.length + " dimensions; [batch, classes] expected");
                    } else if (shape[1] > 0 && shape[1] != classes) {
                        problems.add("output 'logits' has " + shape[1] + " classes but id2label names " + classes);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("--onnx " + onnx + " is not a sequence-classification export: "
                        + String.join("; ", problems) + " (inputs " + inputs + ", outputs " + outputs + ")");
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "--onnx " + onnx + " is not an ONNX graph ONNX Runtime can load: " + e.getMessage(), e);
        }
    }
}
