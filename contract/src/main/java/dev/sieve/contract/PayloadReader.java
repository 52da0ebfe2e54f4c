package dev.sieve.contract;

import dev.sieve.shared.json.Json;
import dev.sieve.shared.queue.QueueItem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads a message's items from its {@code payloadUri}: the JSON Lines of {@link QueueItem} that {@link
 * QueuePublisher} offloads to S3 (the format's one writer and one reader).
 */
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

    /** The payload body: one {@link QueueItem} per line. */
    static byte[] encode(List<QueueItem> items) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (QueueItem item : items) {
            out.writeBytes(Json.writeBytes(item));
            out.write('\n');
        }
        return out.toByteArray();
    }
}
