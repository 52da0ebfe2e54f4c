package dev.sieve.cli.models;

import dev.sieve.models.corpus.BuiltInCorpus;
import dev.sieve.shared.corpus.CorpusException;
import dev.sieve.shared.corpus.Dataset;
import dev.sieve.shared.corpus.JsonlDataset;
import dev.sieve.shared.corpus.LabeledText;
import dev.sieve.shared.corpus.StratifiedSplit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where training data comes from (a built-in corpus, SpamAssassin by default, or a labeled JSON Lines
 * file) and the
 * deterministic split; both are recorded in the bundle's metadata so {@code eval}, {@code calibrate}
 * and {@code bench} use exactly the same validation and test items.
 *
 * @param source a built-in corpus name ({@link BuiltInCorpus}) or the absolute path of a JSON Lines file
 * @param checksum identifies the data (the npm integrity string, or {@code sha256-<hex>} of the file)
 * @param examples de-duplicated examples
 * @param rawCount examples before de-duplication
 */
public record TrainingData(String source, String checksum, List<LabeledText> examples, int rawCount) {
    public static final double TRAIN_FRACTION = 0.70;
    public static final double VALIDATION_FRACTION = 0.15;

    /**
     * Loads {@code dataFile}, or the built-in corpus of that name when no such file exists, or the
     * SpamAssassin corpus when it is null.
     */
    public static TrainingData load(Path dataFile, Path cacheDir) {
        if (dataFile == null) {
            return builtIn(BuiltInCorpus.SPAMASSASSIN, cacheDir);
        }
        if (!Files.exists(dataFile)) {
            String name = dataFile.toString();
            return builtIn(
                    BuiltInCorpus.named(name)
                            .orElseThrow(() -> new UserInputException("--data " + name
                                    + ": no such file, and not a built-in corpus (built-in: "
                                    + String.join(", ", BuiltInCorpus.names()) + ")")),
                    cacheDir);
        }
        Path absolute = dataFile.toAbsolutePath().normalize();
        List<LabeledText> examples = JsonlDataset.read(absolute);
        return new TrainingData(absolute.toString(), sha256(absolute), examples, examples.size());
    }

    /** Loads the data a bundle was trained on, checking it is still the same. */
    public static TrainingData forBundle(Map<String, Object> metadata, Path dataOverride, Path cacheDir) {
        Map<String, Object> data = section(metadata, "data");
        String source = String.valueOf(data.get("source"));
        TrainingData loaded;
        if (dataOverride != null) {
            loaded = load(dataOverride, cacheDir);
        } else if (BuiltInCorpus.named(source).isPresent()) {
            loaded = builtIn(BuiltInCorpus.named(source).orElseThrow(), cacheDir);
        } else {
            Path file = Path.of(source);
            if (!Files.isRegularFile(file)) {
                throw new UserInputException("the bundle was trained on " + source
                        + ", which no longer exists; pass the same data with --data FILE");
            }
            loaded = load(file, cacheDir);
        }
        Object checksum = data.get("checksum");
        if (checksum != null && !checksum.equals(loaded.checksum())) {
            throw new UserInputException("the data (" + loaded.source() + ", " + loaded.checksum()
                    + ") is not the data the bundle was trained on (" + checksum
                    + "); its test split would not be held out");
        }
        return loaded;
    }

    private static TrainingData builtIn(BuiltInCorpus corpus, Path cacheDir) {
        BuiltInCorpus.Loaded loaded = corpus.load(cacheDir);
        return new TrainingData(corpus.corpusName(), loaded.checksum(), loaded.examples(), loaded.rawCount());
    }

    /** The split every command uses: 70 / 15 / 15, stratified, with the recorded seed. */
    public Dataset split(long seed) {
        return StratifiedSplit.split(examples, TRAIN_FRACTION, VALIDATION_FRACTION, seed);
    }

    /** Checks every example's label is one of {@code allowed}, naming the first that is not. */
    public void requireLabels(List<String> allowed) {
        for (LabeledText example : examples) {
            if (!allowed.contains(example.label())) {
                throw new CorpusException("example '" + example.id() + "' has label '" + example.label()
                        + "', which is not one of the allowed labels " + allowed);
            }
        }
    }

    /** Metadata recorded in the bundle. */
    public Map<String, Object> metadata(Dataset dataset, long seed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", source);
        data.put("checksum", checksum);
        data.put("raw_examples", rawCount);
        data.put("examples", examples.size());
        data.put("duplicates_dropped", rawCount - examples.size());
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("seed", seed);
        split.put("train_fraction", TRAIN_FRACTION);
        split.put("validation_fraction", VALIDATION_FRACTION);
        split.put("train_items", dataset.train().size());
        split.put("validation_items", dataset.validation().size());
        split.put("test_items", dataset.test().size());
        split.put("test_ids_sha256", idsDigest(dataset.test()));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("data", data);
        metadata.put("split", split);
        return metadata;
    }

    /** Re-creates the bundle's split and checks its test items are the recorded ones. */
    public Dataset splitLike(Map<String, Object> metadata) {
        Map<String, Object> split = section(metadata, "split");
        long seed = ((Number) split.getOrDefault("seed", StratifiedSplit.DEFAULT_SEED)).longValue();
        Dataset dataset = split(seed);
        Object expected = split.get("test_ids_sha256");
        if (expected != null && !expected.equals(idsDigest(dataset.test()))) {
            throw new UserInputException("the test split re-created from " + source
                    + " differs from the one recorded in the bundle; retrain the bundle");
        }
        return dataset;
    }

    static String idsDigest(List<LabeledText> examples) {
        MessageDigest digest = sha256Digest();
        examples.stream().map(LabeledText::id).sorted().forEach(id -> {
            digest.update(id.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> section(Map<String, Object> metadata, String name) {
        Object value = metadata.get(name);
        if (!(value instanceof Map<?, ?> map)) {
            throw new UserInputException(
                    "the bundle's manifest has no '" + name + "' metadata; it was not written by sieve train");
        }
        return (Map<String, Object>) map;
    }

    private static String sha256(Path file) {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new CorpusException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return "sha256-" + HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
