package dev.sieve.models.expert.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies an encoder's class-path resources (23-133 MB ONNX files inside Maven jars) to a cache
 * directory once, so sessions memory-map a file instead of loading the bytes into the heap each time.
 */
public final class EncoderFiles {
    private EncoderFiles() {}

    /** The cached copy of {@code resource}, written on first use (atomically, so racing processes are safe). */
    public static Path cached(String resource, Path cacheDir) {
        Path target = cacheDir.resolve("encoders").resolve(resource);
        try {
            long expectedSize = resourceSize(resource);
            if (Files.isRegularFile(target) && Files.size(target) == expectedSize) {
                return target;
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), resource, ".tmp");
            try (InputStream in = open(resource)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot copy encoder resource " + resource + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static long resourceSize(String resource) throws IOException {
        var url = EncoderFiles.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw missing(resource);
        }
        return url.openConnection().getContentLengthLong();
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = EncoderFiles.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw missing(resource);
        }
        return in;
    }

    private static IOException missing(String resource) {
        return new IOException("class-path resource " + resource
                + " not found; add the matching dev.langchain4j:langchain4j-embeddings-* artifact");
    }
}
