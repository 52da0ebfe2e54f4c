package dev.sieve.gate;

import dev.sieve.gate.service.LoadedGate;
import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.ModelBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds the model bundle named by {@code SIEVE_BUNDLE_URI}: a local directory is used as it is; an
 * {@code s3://bucket/prefix/} is downloaded once into {@code /tmp} (or the JVM's temp directory). The
 * bundle is verified against its manifest before use.
 */
public final class BundleLocator {
    private BundleLocator() {}

    public static ModelBundle open(String uri, S3Client s3) {
        if (!uri.startsWith("s3://")) {
            return ModelBundle.open(Path.of(uri));
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        String finalPrefix = prefix;
        try {
            Path target = Files.createTempDirectory("sieve-bundle-");
            int files = 0;
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(finalPrefix))
                    .contents()) {
                String name = object.key().substring(finalPrefix.length());
                if (name.isEmpty() || name.contains("/")) {
                    continue;
                }
                s3.getObject(b -> b.bucket(bucket).key(object.key()), target.resolve(name));
                files++;
            }
            if (files == 0) {
                throw new BundleException("no bundle files under " + uri);
            }
            return ModelBundle.open(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download bundle " + uri, e);
        }
    }

    /** Opens the bundle and loads its gate model. */
    public static LoadedGate loadGate(String uri, S3Client s3) {
        ModelBundle bundle = open(uri, s3);
        return GateLoading.load(bundle);
    }
}
