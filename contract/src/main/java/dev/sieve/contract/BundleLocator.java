package dev.sieve.contract;

import dev.sieve.shared.bundle.BundleException;
import dev.sieve.shared.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Opens the bundle named by {@code SIEVE_BUNDLE_URI}, for the gate and the worker alike: a local
 * directory as is, or an {@code s3://bucket/prefix/} whose objects (sub-directories included) are
 * downloaded into a cache directory first. Either way {@link ModelBundle#open} then verifies every
 * file against the manifest.
 */
public final class BundleLocator {
    private BundleLocator() {}

    /** Opens the bundle, downloading an S3 one under a fresh directory in the JVM's temp directory. */
    public static ModelBundle open(String uri, S3Client s3) {
        if (!S3Location.isS3(uri)) {
            return ModelBundle.open(Path.of(uri));
        }
        try {
            return open(uri, Files.createTempDirectory("sieve-bundle-"), s3);
        } catch (IOException e) {
            throw new BundleException("cannot create a directory for bundle " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Opens the bundle, downloading an S3 one into a sub-directory of {@code cacheDir}. */
    public static ModelBundle open(String uri, Path cacheDir, S3Client s3) {
        if (!S3Location.isS3(uri)) {
            return ModelBundle.open(Path.of(uri));
        }
        S3Location location = S3Location.parse(uri);
        String prefix = location.prefix();
        Path target = cacheDir.resolve(Integer.toHexString((location.bucket() + "/" + prefix).hashCode()));
        try {
            Files.createDirectories(target);
            int files = 0;
            for (S3Object object : s3.listObjectsV2Paginator(
                            r -> r.bucket(location.bucket()).prefix(prefix))
                    .contents()) {
                String name = object.key().substring(prefix.length());
                if (name.isEmpty() || name.endsWith("/")) {
                    continue;
                }
                Path file = target.resolve(name).normalize();
                if (!file.startsWith(target)) {
                    throw new BundleException("bundle object '" + object.key() + "' escapes the cache directory");
                }
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".part");
                Files.deleteIfExists(tmp);
                s3.getObject(r -> r.bucket(location.bucket()).key(object.key()), tmp);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                files++;
            }
            if (files == 0) {
                throw new BundleException("no bundle at " + uri + ": the prefix holds no objects");
            }
        } catch (IOException e) {
            throw new BundleException("cannot download bundle " + uri + " into " + target + ": " + e.getMessage(), e);
        }
        return ModelBundle.open(target);
    }
}
