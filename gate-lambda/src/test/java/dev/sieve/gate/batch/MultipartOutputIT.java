package dev.sieve.gate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Job outputs stream into S3 multipart uploads on the embedded S3: several parts, nothing on disk. */
class MultipartOutputIT {
    private static final LocalAws AWS = LocalAws.shared();

    @Test
    void complete_whenLargerThanOnePart_uploadsPartsAsTheyFillAndPublishesTheWholeObject() {
        SieveResources resources = SieveResources.create(AWS, SieveResources.uniquePrefix("multipart"));
        byte[] line = ("{\"line\":1,\"id\":\"" + "x".repeat(1000) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        int lines = 12 * 1024; // about 12 MiB: three parts of 5 MiB
        try (S3Client s3 = AWS.s3Client()) {
            int partsBeforeComplete;
            try (MultipartOutput out = new MultipartOutput(
                    s3,
                    resources.bucketName(),
                    "jobs/out/big.out",
                    "application/x-ndjson",
                    MultipartOutput.MIN_PART_BYTES)) {
                for (int i = 0; i < lines; i++) {
                    out.write(line);
                }
                partsBeforeComplete = out.partsUploaded();
                assertThat(s3.listObjectsV2(
                                        b -> b.bucket(resources.bucketName()).prefix("jobs/out/"))
                                .contents())
                        .as("nothing is visible before completion")
                        .isEmpty();
                out.complete();
            }

            assertThat(partsBeforeComplete).isEqualTo(2);
            byte[] object = s3.getObjectAsBytes(
                            b -> b.bucket(resources.bucketName()).key("jobs/out/big.out"))
                    .asByteArray();
            assertThat(object).hasSize(line.length * lines);
        }
    }

    @Test
    void close_withoutComplete_abortsAndPublishesNothing() {
        SieveResources resources = SieveResources.create(AWS, SieveResources.uniquePrefix("multipart"));
        try (S3Client s3 = AWS.s3Client()) {
            try (MultipartOutput out = new MultipartOutput(
                    s3,
                    resources.bucketName(),
                    "jobs/out/dead.out",
                    "application/x-ndjson",
                    MultipartOutput.MIN_PART_BYTES)) {
                out.write(new byte[MultipartOutput.MIN_PART_BYTES + 10]);
            }

            assertThat(s3.listObjectsV2(b -> b.bucket(resources.bucketName()).prefix("jobs/out/"))
                            .contents())
                    .isEmpty();
            assertThat(s3.listMultipartUploads(b -> b.bucket(resources.bucketName()))
                            .uploads())
                    .isEmpty();
        }
    }
}
