package dev.sieve.shared.bundle;

import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A model bundle on local disk, verified against its manifest. {@link #open(Path)} refuses a bundle
 * whose files are missing or differ from the manifest's checksums; {@link #write} creates the
 * manifest for files already placed in a directory.
 */
public final class ModelBundle {
    private final Path directory;
    private final BundleManifest manifest;

    private ModelBundle(Path directory, BundleManifest manifest) {
        this.directory = directory;
        this.manifest = manifest;
    }

    /** Opens and verifies the bundle in {@code directory} (size and SHA-256 of every file). */
    public static ModelBundle open(Path directory) {
        Path manifestPath = directory.resolve(BundleManifest.FILE_NAME);
        BundleManifest manifest;
        try {
            manifest = Json.read(Files.readAllBytes(manifestPath), BundleManifest.class);
        } catch (NoSuchFileException e) {
            throw new BundleException("not a model bundle: " + manifestPath + " does not exist");
        } catch (IOException e) {
            throw new BundleException("cannot read " + manifestPath + ": " + e.getMessage(), e);
        } catch (Json.JsonFormatException e) {
            throw new BundleException("bundle manifest " + manifestPath + " is not valid: " + e.getMessage(), e);
        }
        if (!BundleManifest.FORMAT.equals(manifest.format())) {
            throw new BundleException("bundle " + directory + " has format '" + manifest.format()
                    + "'; this build reads '" + BundleManifest.FORMAT + "'");
        }
        for (Map.Entry<String, String> component : manifest.components().entrySet()) {
            if (!manifest.files().containsKey(component.getValue())) {
                throw new BundleException("bundle " + directory + ": component '" + component.getKey()
                        + "' names file '" + component.getValue() + "' which the manifest does not list");
            }
        }
        for (Map.Entry<String, BundleManifest.FileEntry> file : manifest.files().entrySet()) {
            Path path = resolveInside(directory, file.getKey());
            if (!Files.isRegularFile(path)) {
                throw new BundleException("bundle " + directory + " is incomplete: file '" + file.getKey()
                        + "' listed in the manifest is missing");
            }
            BundleManifest.FileEntry actual = describe(path);
            if (actual.bytes() != file.getValue().bytes()
                    || !actual.sha256().equals(file.getValue().sha256())) {
                throw new BundleException("bundle " + directory + ": file '" + file.getKey()
                        + "' does not match the manifest (expected sha256 "
                        + file.getValue().sha256() + ", "
                        + file.getValue().bytes() + " bytes; found " + actual.sha256() + ", " + actual.bytes()
                        + " bytes)");
            }
        }
        String expectedVersion = versionOf(manifest.files());
        if (!expectedVersion.equals(manifest.version())) {
            throw new BundleException("bundle " + directory + ": version '" + manifest.version()
                    + "' does not match its files (expected '" + expectedVersion + "')");
        }
        return new ModelBundle(directory, manifest);
    }

    /**
     * Writes {@code manifest.json} into {@code directory} for the component files already there and
     * returns the opened bundle; a bundle without an expert declaration (gate only).
     */
    public static ModelBundle write(
            Path directory, List<String> labels, Map<String, String> components, Map<String, Object> metadata) {
        return write(directory, labels, components, null, metadata);
    }

    /**
     * Writes {@code manifest.json} as {@link #write(Path, List, Map, Map)} does, declaring how the expert
     * component is served.
     *
     * @param expert null when the bundle has no expert
     */
    public static ModelBundle write(
            Path directory,
            List<String> labels,
            Map<String, String> components,
            ExpertSpec expert,
            Map<String, Object> metadata) {
        if (expert != null && !components.containsKey(BundleManifest.EXPERT)) {
            throw new BundleException("cannot write bundle manifest: an expert is declared but there is no '"
                    + BundleManifest.EXPERT + "' component among " + components.keySet());
        }
        SortedMap<String, BundleManifest.FileEntry> files = new TreeMap<>();
        for (Map.Entry<String, String> component : components.entrySet()) {
            Path path = resolveInside(directory, component.getValue());
            if (!Files.isRegularFile(path)) {
                throw new BundleException("cannot write bundle manifest: component '" + component.getKey() + "' file "
                        + path + " does not exist");
            }
            files.put(component.getValue(), describe(path));
        }
        BundleManifest manifest = new BundleManifest(
                BundleManifest.FORMAT,
                versionOf(files),
                Instant.now().toString(),
                labels,
                new TreeMap<>(components),
                files,
                expert,
                metadata);
        try {
            Path tmp = directory.resolve(BundleManifest.FILE_NAME + ".tmp");
            Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            Files.move(
                    tmp,
                    directory.resolve(BundleManifest.FILE_NAME),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BundleException("cannot write bundle manifest in " + directory + ": " + e.getMessage(), e);
        }
        return new ModelBundle(directory, manifest);
    }

    /**
     * Rewrites this bundle's manifest with new components and metadata (labels and the expert
     * declaration are kept), e.g. after recalibrating its thresholds; returns the rewritten bundle.
     */
    public ModelBundle rewrite(Map<String, String> components, Map<String, Object> metadata) {
        return write(directory, manifest.labels(), components, manifest.expert(), metadata);
    }

    /** How the expert is served, if the manifest declares it. */
    public Optional<ExpertSpec> expertSpec() {
        return Optional.ofNullable(manifest.expert());
    }

    public Path directory() {
        return directory;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public String version() {
        return manifest.version();
    }

    public List<String> labels() {
        return manifest.labels();
    }

    /** The file of a component role, e.g. {@link BundleManifest#EXPERT}, if the bundle has one. */
    public Optional<Path> component(String role) {
        String file = manifest.components().get(role);
        return file == null ? Optional.empty() : Optional.of(directory.resolve(file));
    }

    /** The file of a component role the caller cannot work without. */
    public Path requireComponent(String role) {
        return component(role)
                .orElseThrow(() -> new BundleException("bundle " + directory + " (version " + version() + ") has no '"
                        + role + "' component; it has " + manifest.components().keySet()));
    }

    static String versionOf(SortedMap<String, BundleManifest.FileEntry> files) {
        StringBuilder lines = new StringBuilder();
        files.forEach((name, entry) ->
                lines.append(name).append(':').append(entry.sha256()).append('\n'));
        return HexFormat.of()
                .formatHex(sha256().digest(lines.toString().getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }

    private static Path resolveInside(Path directory, String name) {
        Path path = directory.resolve(name).normalize();
        if (!path.startsWith(directory.normalize())) {
            throw new BundleException("bundle file name '" + name + "' escapes the bundle directory");
        }
        return path;
    }

    private static BundleManifest.FileEntry describe(Path path) {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
            long bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            return new BundleManifest.FileEntry(HexFormat.of().formatHex(digest.digest()), bytes);
        } catch (IOException e) {
            throw new BundleException("cannot read bundle file " + path + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
