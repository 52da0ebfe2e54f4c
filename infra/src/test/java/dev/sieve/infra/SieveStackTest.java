package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.metrics.MetricNames;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.assertions.Template;

class SieveStackTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();
    private static final SieveStack STACK = SynthesizedSieve.DEFAULT.stack();

    @Test
    void stack_isEnvironmentAgnostic() {
        assertThat(Token.isUnresolved(Stack.of(STACK).getAccount())).isTrue();
        assertThat(Token.isUnresolved(Stack.of(STACK).getRegion())).isTrue();
        String json = TEMPLATE.toJSON().toString();
        // an account id would appear as ":123456789012:" inside an ARN
        assertThat(Pattern.compile(":[0-9]{12}:").matcher(json).find())
                .as("an account id")
                .isFalse();
        assertThat(json).doesNotContain("us-east-1", "eu-west-1");
    }

    @Test
    void resources_haveNoHardCodedPhysicalNames() {
        Map<String, String> nameProperties = Map.of(
                "AWS::S3::Bucket", "BucketName",
                "AWS::SQS::Queue", "QueueName",
                "AWS::DynamoDB::Table", "TableName",
                "AWS::Lambda::Function", "FunctionName",
                "AWS::ECS::Cluster", "ClusterName",
                "AWS::IAM::Role", "RoleName",
                "AWS::SNS::Topic", "TopicName",
                "AWS::Logs::LogGroup", "LogGroupName",
                "AWS::CloudWatch::Dashboard", "DashboardName");
        nameProperties.forEach((type, property) -> properties(TEMPLATE, type)
                .forEach((id, props) -> assertThat(props).as(id).doesNotContainKey(property)));
    }

    @Test
    void alarms_coverDeadLettersRealtimeAgeAndGateErrors_andNotifyTheTopic() {
        String topic = SynthesizedSieve.logicalId(STACK.monitoring().alarmTopic());
        List<Map<String, Object>> notifying = properties(TEMPLATE, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.get("AlarmActions") != null
                        && list(a.get("AlarmActions")).stream().anyMatch(x -> topic.equals(Templates.referencedId(x))))
                .toList();
        long deadLetterAlarms = notifying.stream()
                .filter(a -> "ApproximateNumberOfMessagesVisible".equals(a.get("MetricName")))
                .count();
        // four dead-letter queues, the batch-event DLQ, the events source's failure queue
        assertThat(deadLetterAlarms).isEqualTo(6);
        assertThat(notifying)
                .anySatisfy(a -> assertThat(a)
                        .containsEntry("MetricName", "ApproximateAgeOfOldestMessage")
                        .containsEntry("Threshold", 3)
                        .containsEntry("Namespace", "AWS/SQS"))
                .anySatisfy(a ->
                        assertThat(a).containsEntry("MetricName", "Errors").containsEntry("Namespace", "AWS/Lambda"))
                .anySatisfy(a -> assertThat(a).containsEntry("MetricName", "5xx"));
    }

    @Test
    void routingDriftAlarm_dividesEscalatedByExpectedItems_andFiresAboveTheDriftRatio() {
        String topic = SynthesizedSieve.logicalId(STACK.monitoring().alarmTopic());
        Map<String, Object> drift = properties(TEMPLATE, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> String.valueOf(a.get("Metrics")).contains(MetricNames.EXPECTED_ESCALATED_ITEMS))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alarm reads " + MetricNames.EXPECTED_ESCALATED_ITEMS));

        assertThat(((Number) drift.get("Threshold")).doubleValue()).isEqualTo(MetricNames.ROUTING_DRIFT_ALARM_RATIO);
        assertThat(drift)
                .containsEntry("ComparisonOperator", "GreaterThanThreshold")
                .containsEntry("EvaluationPeriods", 3)
                .containsEntry("TreatMissingData", "notBreaching");
        String metrics = String.valueOf(drift.get("Metrics"));
        assertThat(metrics)
                .contains(
                        "FILL(escalated, 0) / FILL(expected, 1)",
                        MetricNames.ESCALATED_ITEMS,
                        MetricNames.GATE_SERVICE);
        assertThat(list(drift.get("AlarmActions"))).anyMatch(x -> topic.equals(Templates.referencedId(x)));
    }

    @Test
    void alarmTopic_isEncryptedWithARotatingKeyAndTlsOnly() {
        String key = SynthesizedSieve.logicalId(STACK.monitoring().alarmTopic().getMasterKey());
        TEMPLATE.hasResourceProperties(
                "AWS::SNS::Topic",
                software.amazon.awscdk.assertions.Match.objectLike(
                        Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(key, "Arn")))));
        TEMPLATE.hasResourceProperties(
                "AWS::KMS::Key", software.amazon.awscdk.assertions.Match.objectLike(Map.of("EnableKeyRotation", true)));
        assertThat(properties(TEMPLATE, "AWS::SNS::TopicPolicy")
                        .values()
                        .iterator()
                        .next()
                        .toString())
                .contains("aws:SecureTransport=false");
    }

    @Test
    void dashboard_showsRoutingLatencyThroughputQueuesAndCost() {
        String body = properties(TEMPLATE, "AWS::CloudWatch::Dashboard")
                .values()
                .iterator()
                .next()
                .get("DashboardBody")
                .toString();
        assertThat(body)
                .contains(
                        "Routing rate",
                        "Latency",
                        "Items per second",
                        "Queue depth",
                        "Cost per million items",
                        MetricNames.GATE_ITEMS,
                        MetricNames.ESCALATED_ITEMS,
                        MetricNames.EXPERT_ITEMS,
                        "RunningTaskCount",
                        // 0.3622 USD/h (g6.xlarge spot estimate of the pricing table) per second
                        "0.000100611111");
    }

    /**
     * The deploy, re-drive and teardown steps of the READMEs read stack outputs by key ({@code $(out Key)},
     * {@code OutputKey=='Key'}); each key they name is an output of the synthesized template.
     */
    @Test
    void readmes_nameOnlyStackOutputsTheTemplateHas() throws java.io.IOException {
        Pattern outputKey =
                Pattern.compile("(?:\\$\\(out |^out |OutputKey==')([A-Z][a-z][A-Za-z]+)", Pattern.MULTILINE);
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (String readme : List.of("../README.md", "README.md")) {
            java.util.regex.Matcher m =
                    outputKey.matcher(java.nio.file.Files.readString(java.nio.file.Path.of(readme)));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).contains("ApiUrl", "ReaperRuleName", "DeadLetterQueueArns", "ClusterName");
        assertThat(TEMPLATE.findOutputs("*").keySet()).containsAll(named);
    }

    /** The idle cost in the README counts the template's alarms; a new alarm updates the count. */
    @Test
    void readme_idleCost_countsTheTemplatesAlarms() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        java.util.regex.Matcher count =
                Pattern.compile("(\\d+)\\s+CloudWatch alarms in the template").matcher(readme);
        assertThat(count.find())
                .as("the README's idle cost names the number of alarms")
                .isTrue();
        assertThat(Integer.parseInt(count.group(1)))
                .isEqualTo(properties(TEMPLATE, "AWS::CloudWatch::Alarm").size());
    }

    @Test
    void outputs_tellTheUserWhereThingsAre() {
        assertThat(TEMPLATE.findOutputs("*").keySet())
                .contains("ApiUrl", "BucketName", "BundleUri", "TableName", "JobsQueueUrl", "AlarmTopicArn")
                .contains("ClusterName", "WorkerServiceName", "WorkerAutoScalingGroupName");
    }
}
