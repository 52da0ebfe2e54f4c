package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.IConstruct;

class NagTest {

    /**
     * Every acknowledged cdk-nag finding, by rule id, and how many constructs carry it. A new
     * acknowledgment must be added here deliberately (and reviewed); the reasons are in the code.
     */
    private static final Map<String, Integer> EXPECTED_ACKNOWLEDGMENTS = Map.ofEntries(
            // the work and jobs DLQs, the batch-event DLQ, and the events source's failure queue
            Map.entry("AwsSolutions-SQS3", 6),
            Map.entry("AwsSolutions-S1", 1),
            // one per Lambda function of ours (gate, batch-job, reaper, events): the java21 runtime
            Map.entry("AwsSolutions-L1", 4),
            Map.entry("AwsSolutions-AS3", 1),
            Map.entry("AwsSolutions-EC26", 1),
            Map.entry("AwsSolutions-ECS2", 1),
            Map.entry("AwsSolutions-IAM5[Resource::*]", 2),
            Map.entry("AwsSolutions-IAM5[Action::ecs:Submit*]", 1),
            Map.entry(
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                    1),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/bundles/*]", 3),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/uploads/*]", 2),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/payloads/*]", 3),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/jobs/in/*]", 2),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/jobs/out/*]", 1),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/jobs/parts/*]", 2),
            Map.entry("AwsSolutions-IAM5[Resource::<StorageDataBucketB1B922FA.Arn>/results/*]", 2),
            Map.entry(
                    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<WorkerCluster89E4DD17>/*]",
                    1),
            Map.entry(
                    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:container-instance/<WorkerCluster89E4DD17>/*]",
                    1));

    @Test
    void synth_withAwsSolutionsChecks_hasNoUnacknowledgedFindings() {
        JsonNode reports = SynthesizedSieve.DEFAULT.validationReport().get("pluginReports");
        assertThat(reports).as(reports.toPrettyString()).isEmpty();
    }

    @Test
    void acknowledgments_areTheReviewedListAndEachGivesAReason() {
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, String> reasons = new TreeMap<>();
        collect(SynthesizedSieve.DEFAULT.stack(), counts, reasons);
        assertThat(counts).isEqualTo(new TreeMap<>(EXPECTED_ACKNOWLEDGMENTS));
        reasons.forEach((id, reason) -> assertThat(reason).as(id).hasSizeGreaterThan(60));
    }

    /** Acknowledged rule id → how many constructs of {@code stack} carry it. */
    static Map<String, Integer> acknowledgments(IConstruct stack) {
        Map<String, Integer> counts = new TreeMap<>();
        collect(stack, counts, new TreeMap<>());
        return counts;
    }

    @Test
    void synth_whenAResourceBreaksARule_fails() throws Exception {
        App app = App.Builder.create()
                .context(SynthesizedSieve.cdkJsonContext())
                .outdir(Files.createTempDirectory("sieve-nag-control").toString())
                .build();
        Stack stack = new Stack(app, "Control");
        new Queue(stack, "QueueWithoutDeadLetterQueue");
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        assertThatThrownBy(app::synth).hasMessageContaining("Validation failed");
        String report = Files.readString(Path.of(app.getOutdir(), "validation-report.json"));
        assertThat(report).contains("AwsSolutions-SQS3", "AwsSolutions-SQS4");
    }

    @SuppressWarnings("unchecked")
    private static void collect(IConstruct construct, Map<String, Integer> counts, Map<String, String> reasons) {
        construct.getNode().getMetadata().forEach(entry -> {
            if ("aws:cdk:acknowledged-rules".equals(entry.getType()) && entry.getData() instanceof Map<?, ?> data) {
                ((Map<String, Object>) data).forEach((id, reason) -> {
                    String rule = id.replaceFirst("^[A-Za-z-]+::", "");
                    if (!rule.startsWith("AwsSolutions-")) {
                        return; // CDK's own constructs acknowledge CloudFormation-Validate rules about themselves
                    }
                    counts.merge(rule, 1, Integer::sum);
                    reasons.put(rule + " @ " + construct.getNode().getPath(), String.valueOf(reason));
                });
            }
        });
        construct.getNode().getChildren().forEach(child -> collect(child, counts, reasons));
    }
}
