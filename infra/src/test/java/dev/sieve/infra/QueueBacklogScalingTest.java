package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class QueueBacklogScalingTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GpuWorkerService WORKER =
            SynthesizedSieve.DEFAULT.stack().worker();

    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    @Test
    void sqsMetrics_areFilledWithZeroInTheBacklogAndWakeExpressions() {
        assertThat(QueueBacklogScaling.backlogPerTaskExpression(List.of("visible0", "inflight0")))
                .startsWith("(FILL(visible0, 0) + FILL(inflight0, 0)) / ");
        String alarms = TEMPLATE.findResources("AWS::CloudWatch::Alarm").toString();
        assertThat(alarms).contains("IF((FILL(visible0, 0) + FILL(visible1, 0) + FILL(visible2, 0)) > 0");
        String policies = TEMPLATE.findResources("AWS::ApplicationAutoScaling::ScalingPolicy")
                .toString();
        assertThat(policies).contains("(FILL(visible0, 0) + FILL(inflight0, 0) + ");
    }

    // https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html
    @Test
    void wakeFromZero_setsExactlyOneTaskRatherThanAddingOnePerMinute() {
        List<Map<String, Object>> steps = policies("StepScaling");
        Map<String, Object> step = map(steps.get(0).get("StepScalingPolicyConfiguration"));
        assertThat(step).containsEntry("AdjustmentType", "ExactCapacity");
        assertThat(list(step.get("StepAdjustments")))
                .containsExactly(Map.of("MetricIntervalLowerBound", 0, "ScalingAdjustment", 1));
    }

    @Test
    void service_scalesOnBacklogPerTaskWithMetricMath() {
        Map<String, Object> policy = policies("TargetTrackingScaling").get(0);
        Map<String, Object> config = map(policy.get("TargetTrackingScalingPolicyConfiguration"));
        assertThat(config).containsEntry("TargetValue", 20).containsEntry("DisableScaleIn", false);
        List<Map<String, Object>> metrics =
                list(map(config.get("CustomizedMetricSpecification")).get("Metrics")).stream()
                        .map(Templates::map)
                        .toList();
        Set<String> ids = metrics.stream().map(m -> (String) m.get("Id")).collect(Collectors.toSet());
        assertThat(ids).contains("visible0", "visible1", "visible2", "inflight0", "inflight1", "inflight2", "desired");
        Map<String, Object> result = metrics.stream()
                .filter(m -> Boolean.TRUE.equals(m.get("ReturnData")))
                .collect(Collectors.collectingAndThen(Collectors.toList(), l -> {
                    assertThat(l).hasSize(1);
                    return l.get(0);
                }));
        assertThat((String) result.get("Expression"))
                .isEqualTo(QueueBacklogScaling.backlogPerTaskExpression(
                        List.of("visible0", "inflight0", "visible1", "inflight1", "visible2", "inflight2")))
                .endsWith(" / IF(FILL(desired, 0) > 1, FILL(desired, 0), 1)");
    }

    // https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
    @Test
    void backlogPerTask_dividesByDesiredTasks_soTargetTrackingSettlesWhileInstancesBoot() {
        Map<String, Object> config =
                map(policies("TargetTrackingScaling").get(0).get("TargetTrackingScalingPolicyConfiguration"));
        Map<String, Object> desired = list(
                        map(config.get("CustomizedMetricSpecification")).get("Metrics"))
                .stream()
                .map(Templates::map)
                .filter(m -> QueueBacklogScaling.DESIRED_TASKS_ID.equals(m.get("Id")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> metric = map(map(desired.get("MetricStat")).get("Metric"));
        assertThat(metric)
                .containsEntry("Namespace", "ECS/ContainerInsights")
                .containsEntry("MetricName", "DesiredTaskCount");
        assertThat(list(metric.get("Dimensions")).stream().map(d -> map(d).get("Name")))
                .containsExactlyInAnyOrder("ClusterName", "ServiceName");
        assertThat(config.toString()).doesNotContain("RunningTaskCount");
    }

    @Test
    void service_isWokenFromZeroByAStepPolicyOnWaitingWork() {
        List<Map<String, Object>> steps = policies("StepScaling");
        assertThat(steps).hasSize(1);
        Map<String, Object> step = map(steps.get(0).get("StepScalingPolicyConfiguration"));
        assertThat(step).containsEntry("AdjustmentType", "ExactCapacity");
        assertThat(list(step.get("StepAdjustments")))
                .containsExactly(Map.of("MetricIntervalLowerBound", 0, "ScalingAdjustment", 1));
        String stepId = properties(TEMPLATE, "AWS::ApplicationAutoScaling::ScalingPolicy").entrySet().stream()
                .filter(e -> "StepScaling".equals(e.getValue().get("PolicyType")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        Map<String, Object> alarm = properties(TEMPLATE, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a ->
                        list(a.get("AlarmActions")).stream().anyMatch(x -> stepId.equals(Templates.referencedId(x))))
                .findFirst()
                .orElseThrow();
        assertThat(alarm.get("Metrics").toString())
                .contains(QueueBacklogScaling.wakeExpression(List.of("visible0", "visible1", "visible2")))
                .contains("DesiredTaskCount")
                .doesNotContain("RunningTaskCount");
        assertThat(alarm).containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold");
    }

    @Test
    void service_mayScaleToZeroAndNeverScalesOnCpu() {
        TEMPLATE.hasResourceProperties(
                "AWS::ApplicationAutoScaling::ScalableTarget",
                Match.objectLike(
                        Map.of("MinCapacity", 0, "MaxCapacity", 4, "ScalableDimension", "ecs:service:DesiredCount")));
        properties(TEMPLATE, "AWS::ApplicationAutoScaling::ScalingPolicy").forEach((id, p) -> assertThat(p.toString())
                .as(id)
                .doesNotContain("CPUUtilization")
                .doesNotContain("PredefinedMetricSpecification"));
    }

    private static List<Map<String, Object>> policies(String type) {
        return properties(TEMPLATE, "AWS::ApplicationAutoScaling::ScalingPolicy").values().stream()
                .filter(p -> type.equals(p.get("PolicyType")))
                .toList();
    }
}
