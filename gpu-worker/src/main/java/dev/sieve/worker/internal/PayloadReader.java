package dev.sieve.worker.internal;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Reads a message's items from {@code payloadUri} ({@code s3://bucket/key}, JSON Lines of {@link QueueItem}). */
public final class PayloadReader {
    private final S3Client s3;

    public PayloadReader(S3Client s3) {
        this.s3 = s3;
    }

    public List<QueueItem> read(String payloadUri) {
        S3Location location = S3Location.parse(payloadUri);
        List<QueueItem> items = new ArrayList<>();
        try (ResponseInputStream<GetObjectResponse> in =
                        s3.getObject(r -> r.bucket(location.bucket()).key(location.key()));
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    items.add(Json.read(line, QueueItem.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read payload " + payloadUri + ": " + e.getMessage(), e);
        }
        return items;
    }

    /** {@code s3://bucket/key} split into its parts. */
    public record S3Location(String bucket, String key) {
        public static S3Location parse(String uri) {
            URI parsed;
            try {
                parsed = URI.create(uri);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI", e);
            }
            if (!"s3".equals(parsed.getScheme()) || parsed.getHost() == null) {
                throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI");
            }
            String key = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
            return new S3Location(parsed.getHost(), key);
        }
    }
}
