package dev.sieve.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The worker scaling configuration as read from a synthesized CloudFormation template: the scalable
 * target, the target-tracking policy on backlog per task and the wake-from-zero alarm with its step
 * policy. Every value the simulator uses comes from here, so the simulation follows the template, not a
 * copy of its numbers.
 *
 * @param minCapacity {@code MinCapacity} of the ECS {@code ScalableTarget}
 * @param maxCapacity {@code MaxCapacity} of the ECS {@code ScalableTarget}
 * @param targetValue target-tracking {@code TargetValue} (messages per task)
 * @param scaleOutCooldownSeconds target-tracking {@code ScaleOutCooldown}
 * @param scaleInCooldownSeconds target-tracking {@code ScaleInCooldown}
 * @param scaleInDisabled target-tracking {@code DisableScaleIn}
 * @param backlog the target-tracking metric math: which series are summed and what divides them
 * @param wake the wake-from-zero alarm and its step policy
 */
public record ScalingTemplate(
        int minCapacity,
        int maxCapacity,
        double targetValue,
        int scaleOutCooldownSeconds,
        int scaleInCooldownSeconds,
        boolean scaleInDisabled,
        BacklogMetric backlog,
        WakeAlarm wake) {

    /**
     * The backlog-per-task expression, {@code (sum of queue series) / IF(FILL(d, 0) > 1, FILL(d, 0), 1)}.
     *
     * @param queueSeriesIds ids of the SQS series summed in the numerator
     * @param queueSeriesFilled whether every one of them is wrapped in {@code FILL(id, 0)} (SQS publishes
     *     nothing for a queue inactive for 6 hours; unfilled, the whole expression has no value)
     * @param divisorMetric the ECS metric of the divisor ({@code DesiredTaskCount} or {@code
     *     RunningTaskCount})
     * @param expression the expression text, for the report
     */
    public record BacklogMetric(
            List<String> queueSeriesIds, boolean queueSeriesFilled, String divisorMetric, String expression) {}

    /**
     * The wake-from-zero alarm {@code IF((sum of visible) > 0 && FILL(d, 0) == 0, 1, 0)} and its policy.
     *
     * @param queueSeriesFilled whether every visible-messages series is FILLed
     * @param taskMetric the ECS metric tested for zero ({@code DesiredTaskCount} or {@code RunningTaskCount})
     * @param threshold alarm {@code Threshold}
     * @param comparison alarm {@code ComparisonOperator}
     * @param evaluationPeriods alarm {@code EvaluationPeriods}
     * @param datapointsToAlarm alarm {@code DatapointsToAlarm} (defaults to the evaluation periods)
     * @param periodSeconds the {@code Period} of the alarm's metric stats
     * @param treatMissingData alarm {@code TreatMissingData} (default {@code missing})
     * @param adjustmentType step policy {@code AdjustmentType}
     * @param adjustment the {@code ScalingAdjustment} of the step with lower bound 0
     * @param cooldownSeconds step policy {@code Cooldown}
     */
    public record WakeAlarm(
            boolean queueSeriesFilled,
            String taskMetric,
            double threshold,
            String comparison,
            int evaluationPeriods,
            int datapointsToAlarm,
            int periodSeconds,
            String treatMissingData,
            String adjustmentType,
            int adjustment,
            int cooldownSeconds) {

        boolean breaches(double value) {
            return switch (comparison) {
                case "GreaterThanOrEqualToThreshold" -> value >= threshold;
                case "GreaterThanThreshold" -> value > threshold;
                case "LessThanThreshold" -> value < threshold;
                case "LessThanOrEqualToThreshold" -> value <= threshold;
                default ->
                    throw new TemplateException(
                            "wake alarm ComparisonOperator " + comparison + " is not one the simulator models");
            };
        }
    }

    /** A template without an element the simulation needs, or with one it cannot model. */
    public static final class TemplateException extends RuntimeException {
        public TemplateException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SQS = "AWS/SQS";

    /** Reads a synthesized template file ({@code cdk synth} writes {@code cdk.out/<stack>.template.json}). */
    public static ScalingTemplate read(Path template) {
        if (!Files.isRegularFile(template)) {
            throw new TemplateException("--template " + template + " does not exist; synthesize it with ./mvnw -B -o -q"
                    + " package -DskipTests && (cd infra && SIEVE_CDK_SKIP_BUILD=true npx cdk synth --quiet)");
        }
        try {
            return parse(Files.readString(template));
        } catch (IOException e) {
            throw new TemplateException("cannot read --template " + template + ": " + e.getMessage());
        }
    }

    /** Parses the JSON text of a synthesized template. */
    public static ScalingTemplate parse(String templateJson) {
        JsonNode resources;
        try {
            resources = JSON.readTree(templateJson).path("Resources");
        } catch (IOException e) {
            throw new TemplateException("the template is not JSON: " + e.getMessage());
        }
        // The shared worker service is the one that wakes from zero: a dedicated lane's service (-c
        // dedicatedTenants) stays warm, so it has a scalable target and a tracking policy but no step policy.
        JsonNode stepPolicy = policy(resources, "StepScaling", null);
        String stepPolicyId = idOf(resources, stepPolicy);
        String targetId = stepPolicy
                .path("Properties")
                .path("ScalingTargetId")
                .path("Ref")
                .asText();
        JsonNode target = resources.path(targetId);
        if (!"ecs:service:DesiredCount"
                .equals(target.path("Properties").path("ScalableDimension").asText())) {
            throw new TemplateException("the wake step policy " + stepPolicyId
                    + " does not scale an ECS service's DesiredCount (ScalingTargetId " + targetId + ")");
        }
        JsonNode tracking = policy(resources, "TargetTrackingScaling", targetId)
                .path("Properties")
                .path("TargetTrackingScalingPolicyConfiguration");
        JsonNode alarm = alarmInvoking(resources, stepPolicyId);
        JsonNode step = stepPolicy.path("Properties").path("StepScalingPolicyConfiguration");

        BacklogMetric backlog =
                backlogMetric(tracking.path("CustomizedMetricSpecification").path("Metrics"));
        WakeAlarm wake = wakeAlarm(alarm, step);
        return new ScalingTemplate(
                required(target.path("Properties"), "MinCapacity", "ScalableTarget")
                        .asInt(),
                required(target.path("Properties"), "MaxCapacity", "ScalableTarget")
                        .asInt(),
                required(tracking, "TargetValue", "target-tracking policy").asDouble(),
                tracking.path("ScaleOutCooldown").asInt(300),
                tracking.path("ScaleInCooldown").asInt(300),
                tracking.path("DisableScaleIn").asBoolean(false),
                backlog,
                wake);
    }

    private static BacklogMetric backlogMetric(JsonNode metrics) {
        if (!metrics.isArray() || metrics.isEmpty()) {
            throw new TemplateException("the target-tracking policy has no CustomizedMetricSpecification.Metrics");
        }
        Series series = series(metrics, "target-tracking policy");
        String expression = series.expression();
        List<String> queueIds = series.ids(SQS);
        if (queueIds.isEmpty()) {
            throw new TemplateException("the target-tracking expression reads no AWS/SQS series: " + expression);
        }
        return new BacklogMetric(
                queueIds, allFilled(expression, queueIds), series.taskMetric("target-tracking policy"), expression);
    }

    private static WakeAlarm wakeAlarm(JsonNode alarm, JsonNode step) {
        JsonNode props = alarm.path("Properties");
        Series series = series(props.path("Metrics"), "wake alarm");
        List<String> visibleIds = series.ids(SQS);
        if (visibleIds.isEmpty()) {
            throw new TemplateException("the wake alarm reads no AWS/SQS series: " + series.expression());
        }
        int evaluationPeriods =
                required(props, "EvaluationPeriods", "wake alarm").asInt();
        int period = 0;
        for (JsonNode m : props.path("Metrics")) {
            period = Math.max(period, m.path("MetricStat").path("Period").asInt(0));
        }
        if (period == 0) {
            throw new TemplateException("the wake alarm's metrics have no MetricStat.Period");
        }
        JsonNode stepZero = null;
        for (JsonNode s : step.path("StepAdjustments")) {
            if (s.path("MetricIntervalLowerBound").asDouble(-1) == 0) {
                stepZero = s;
            }
        }
        if (stepZero == null) {
            throw new TemplateException("the wake step policy has no step with MetricIntervalLowerBound 0");
        }
        return new WakeAlarm(
                allFilled(series.expression(), visibleIds),
                series.taskMetric("wake alarm"),
                required(props, "Threshold", "wake alarm").asDouble(),
                required(props, "ComparisonOperator", "wake alarm").asText(),
                evaluationPeriods,
                props.path("DatapointsToAlarm").asInt(evaluationPeriods),
                period,
                props.path("TreatMissingData").asText("missing"),
                required(step, "AdjustmentType", "wake step policy").asText(),
                required(stepZero, "ScalingAdjustment", "wake step policy step").asInt(),
                step.path("Cooldown").asInt(0));
    }

    /** The metric stats of a metric-math list by id, and its one returned expression. */
    private record Series(Map<String, JsonNode> stats, String expression) {
        List<String> ids(String namespace) {
            return stats.entrySet().stream()
                    .filter(e -> namespace.equals(e.getValue().path("Namespace").asText()))
                    .map(Map.Entry::getKey)
                    .toList();
        }

        String taskMetric(String where) {
            for (Map.Entry<String, JsonNode> e : stats.entrySet()) {
                String name = e.getValue().path("MetricName").asText();
                if ((name.equals("DesiredTaskCount") || name.equals("RunningTaskCount"))
                        && expression.contains("FILL(" + e.getKey() + ", 0)")) {
                    return name;
                }
            }
            throw new TemplateException("the " + where + " expression " + expression
                    + " tests no FILLed ECS DesiredTaskCount or RunningTaskCount series");
        }
    }

    private static Series series(JsonNode metrics, String where) {
        Map<String, JsonNode> stats = new java.util.LinkedHashMap<>();
        String expression = null;
        for (JsonNode m : metrics) {
            if (m.has("Expression") && m.path("ReturnData").asBoolean(true)) {
                expression = m.get("Expression").asText();
            } else if (m.has("MetricStat")) {
                stats.put(m.path("Id").asText(), m.path("MetricStat").path("Metric"));
            }
        }
        if (expression == null) {
            throw new TemplateException("the " + where + " has no returned metric-math Expression");
        }
        return new Series(stats, expression);
    }

    private static boolean allFilled(String expression, List<String> ids) {
        return ids.stream().allMatch(id -> expression.contains("FILL(" + id + ", 0)"));
    }

    /** The one scaling policy of {@code policyType} (of the scalable target {@code targetId}, unless null). */
    private static JsonNode policy(JsonNode resources, String policyType, String targetId) {
        List<JsonNode> found = new ArrayList<>();
        resources.forEach(r -> {
            JsonNode props = r.path("Properties");
            if ("AWS::ApplicationAutoScaling::ScalingPolicy"
                            .equals(r.path("Type").asText())
                    && policyType.equals(props.path("PolicyType").asText())
                    && (targetId == null
                            || targetId.equals(
                                    props.path("ScalingTargetId").path("Ref").asText()))) {
                found.add(r);
            }
        });
        if (found.size() != 1) {
            throw new TemplateException("expected one AWS::ApplicationAutoScaling::ScalingPolicy with PolicyType "
                    + policyType + (targetId == null ? "" : " on the scalable target " + targetId) + ", found "
                    + found.size());
        }
        return found.get(0);
    }

    private static String idOf(JsonNode resources, JsonNode resource) {
        var it = resources.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getValue() == resource) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("resource not in the template");
    }

    private static JsonNode alarmInvoking(JsonNode resources, String policyId) {
        List<JsonNode> found = new ArrayList<>();
        resources.forEach(r -> {
            if ("AWS::CloudWatch::Alarm".equals(r.path("Type").asText())) {
                for (JsonNode action : r.path("Properties").path("AlarmActions")) {
                    if (policyId.equals(action.path("Ref").asText())) {
                        found.add(r);
                    }
                }
            }
        });
        if (found.size() != 1) {
            throw new TemplateException("expected one AWS::CloudWatch::Alarm whose AlarmActions invoke the step"
                    + " policy " + policyId + ", found " + found.size());
        }
        return found.get(0);
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new TemplateException("the " + where + " has no " + field);
        }
        return value;
    }
}
