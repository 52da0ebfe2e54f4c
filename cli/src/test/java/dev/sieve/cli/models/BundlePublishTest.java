package dev.sieve.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.localaws.LocalAws;
import dev.sieve.localaws.SieveResources;
import dev.sieve.shared.bundle.BundleManifest;
import dev.sieve.shared.bundle.ModelBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code sieve bundle publish} against the embedded S3 server. */
class BundlePublishTest {
    private static final LocalAws AWS = LocalAws.shared();

    @Test
    void publish_uploadsUnderTheVersionOnceAndPrintsTheDeployCommand(@TempDir Path dir) throws IOException {
        String bucket = SieveResources.create(AWS, SieveResources.uniquePrefix("publish"))
                .bucketName();
        Files.writeString(dir.resolve("gate.bin"), "gate bytes");
        ModelBundle bundle =
                ModelBundle.write(dir, List.of("ham", "spam"), Map.of(BundleManifest.GATE, "gate.bin"), Map.of());
        S3Client s3 = AWS.s3Client();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        String uri = BundleCommand.publish(bundle, s3, bucket, new PrintStream(printed, true, StandardCharsets.UTF_8));

        String prefix = "bundles/" + bundle.version() + "/";
        assertThat(uri).isEqualTo("s3://" + bucket + "/" + prefix);
        assertThat(s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                        .map(S3Object::key))
                .containsExactlyInAnyOrder(prefix + "gate.bin", prefix + BundleManifest.FILE_NAME);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("npx cdk deploy -c bundleVersion=" + bundle.version());

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        BundleCommand.publish(bundle, s3, bucket, new PrintStream(again, true, StandardCharsets.UTF_8));
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("already published");
    }
}
