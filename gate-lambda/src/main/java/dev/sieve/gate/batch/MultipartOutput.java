package dev.sieve.gate.batch;

import dev.sieve.contract.AwsFailures;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams an object of any size into S3 through a multipart upload: bytes gather in memory up to one
 * part, which is uploaded as soon as it is full, so nothing is staged on disk and memory stays at one
 * part. Parts start at {@code partBytes} (at least S3's 5 MiB minimum) and double every 1,000 parts, so
 * the 10,000-part limit is never the limit. {@link #complete()} publishes the object; {@link #close()}
 * without it aborts the upload (S3 then holds nothing; the bucket's lifecycle rule removes the parts of an
 * upload whose process died).
 */
final class MultipartOutput implements AutoCloseable {
    /** S3's smallest part (except the last). */
    static final int MIN_PART_BYTES = 5 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private ByteArrayOutputStream buffer;
    private int partBytes;
    private boolean completed;

    MultipartOutput(S3Client s3, String bucket, String key, String contentType, int partBytes) {
        if (partBytes < MIN_PART_BYTES) {
            throw new IllegalArgumentException(
                    "partBytes must be at least " + MIN_PART_BYTES + " (got " + partBytes + ")");
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.partBytes = partBytes;
        this.buffer = new ByteArrayOutputStream(partBytes);
        try {
            this.uploadId = s3.createMultipartUpload(
                            b -> b.bucket(bucket).key(key).contentType(contentType))
                    .uploadId();
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 CreateMultipartUpload", e);
        }
    }

    void write(byte[] bytes) {
        buffer.writeBytes(bytes);
        if (buffer.size() >= partBytes) {
            flushPart();
        }
    }

    void write(int b) {
        buffer.write(b);
        if (buffer.size() >= partBytes) {
            flushPart();
        }
    }

    /** Uploads the last part and completes the upload: the object appears whole, at once. */
    void complete() {
        if (buffer.size() > 0 || parts.isEmpty()) {
            flushPart(); // an empty object is one empty part
        }
        try {
            s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(u -> u.parts(parts)));
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 CompleteMultipartUpload", e);
        }
        completed = true;
    }

    int partsUploaded() {
        return parts.size();
    }

    private void flushPart() {
        int number = parts.size() + 1;
        byte[] bytes = buffer.toByteArray();
        String eTag;
        try {
            eTag = s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(bytes))
                    .eTag();
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 UploadPart", e);
        }
        parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
        if (parts.size() % 1000 == 0) {
            partBytes = (int) Math.min(Integer.MAX_VALUE - 8, 2L * partBytes);
        }
        buffer = new ByteArrayOutputStream(Math.min(partBytes, 64 * 1024 * 1024));
    }

    @Override
    public void close() {
        if (completed) {
            return;
        }
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the lifecycle rule for incomplete uploads removes the parts
        }
    }
}
