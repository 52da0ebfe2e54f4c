package dev.sieve.contract;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Uri;
import software.amazon.awssdk.services.s3.S3Utilities;

/**
 * An {@code s3://bucket/key} location: the one place Sieve reads and writes such strings (payload
 * pointers, manifests, outputs, gate results, bundle URIs). Parsing is the SDK's {@link
 * S3Utilities#parseUri}; keys are percent-encoded segment by segment when written, decoded when read.
 */
public record S3Location(String bucket, String key) {
    /** parseUri needs a region only for https URLs; s3:// URIs carry none. */
    private static final S3Utilities UTILITIES =
            S3Utilities.builder().region(Region.US_EAST_1).build();

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** Parses {@code s3://bucket/key} (the key may be empty: a bucket or a prefix). */
    public static S3Location parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI");
        }
        S3Uri parsed;
        try {
            parsed = UTILITIES.parseUri(URI.create(uri));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3://bucket/key URI", e);
        }
        String bucket =
                parsed.bucket().orElseThrow(() -> new IllegalArgumentException("'" + uri + "' names no bucket"));
        return new S3Location(bucket, parsed.key().orElse(""));
    }

    /** Whether {@code uri} is an {@code s3://} URI rather than a local path. */
    public static boolean isS3(String uri) {
        return uri != null && uri.startsWith("s3://");
    }

    /** The {@code s3://bucket/key} form, each key segment percent-encoded so that {@link #parse} returns it. */
    public String uri() {
        String encoded = Arrays.stream(key.split("/", -1))
                .map(segment ->
                        URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
        return "s3://" + bucket + "/" + encoded;
    }

    /** The key as a prefix: empty or ending in {@code /}. */
    public String prefix() {
        return key.isEmpty() || key.endsWith("/") ? key : key + "/";
    }

    @Override
    public String toString() {
        return uri();
    }
}
