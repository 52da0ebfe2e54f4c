package dev.sieve.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Names;
import software.amazon.awscdk.UniqueResourceNameOptions;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentTier;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.CfnScalingPolicy;
import software.amazon.awscdk.services.applicationautoscaling.MetricAggregationType;
import software.amazon.awscdk.services.applicationautoscaling.ScalableTarget;
import software.amazon.awscdk.services.applicationautoscaling.ServiceNamespace;
import software.amazon.awscdk.services.applicationautoscaling.StepScalingAction;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.ApplicationScalingAction;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Scales the worker service on its queues' backlog: target tracking on (visible + in-flight messages of
 * every work queue) per desired task, from {@code minTasks} (0 for the shared service, the warm minimum
 * for a dedicated lane) to {@code maxTasks}, and, from 0, a step policy that wakes the service with
 * exactly one task when work waits. Never on CPU: a GPU worker's CPU says
 * nothing about the work waiting for it.
 */
final class QueueBacklogScaling extends Concern {

    /** Metric math id of the desired-task series (in the backlog and wake-up expressions). */
    static final String DESIRED_TASKS_ID = "desired";
    /** Seconds between scale-outs and scale-ins of the backlog policy. */
    static final int SCALE_OUT_COOLDOWN_SECONDS = 60;

    static final int SCALE_IN_COOLDOWN_SECONDS = 300;

    /** Settings of the scaling. */
    record Props(
            String clusterName,
            Ec2Service service,
            List<IQueue> queues,
            int minTasks,
            int maxTasks,
            int backlogPerTaskTarget,
            IMetric desiredTasks) {
        /** From zero tasks: the shared worker service. */
        Props(
                String clusterName,
                Ec2Service service,
                List<IQueue> queues,
                int maxTasks,
                int backlogPerTaskTarget,
                IMetric desiredTasks) {
            this(clusterName, service, queues, 0, maxTasks, backlogPerTaskTarget, desiredTasks);
        }

        Props {
            if (minTasks < 0 || minTasks > maxTasks) {
                throw new IllegalArgumentException("minTasks " + minTasks + " must be within 0.." + maxTasks);
            }
            Objects.requireNonNull(clusterName, "clusterName");
            Objects.requireNonNull(service, "service");
            queues = List.copyOf(queues);
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("queues: the worker scales on at least one queue");
            }
            Objects.requireNonNull(desiredTasks, "desiredTasks");
        }
    }

    private final ScalableTarget scalableTarget;

    QueueBacklogScaling(Construct scope, String id, Props props) {
        super(scope, id);
        scalableTarget = ScalableTarget.Builder.create(this, "ScalableTarget")
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId(
                        "service/" + props.clusterName() + "/" + props.service().getServiceName())
                .scalableDimension("ecs:service:DesiredCount")
                .minCapacity(props.minTasks())
                .maxCapacity(props.maxTasks())
                .build();
        scalableTarget.getNode().addDependency(props.service());
        addBacklogPerTaskPolicy(props);
        if (props.minTasks() == 0) {
            addWakeFromZeroPolicy(props);
        }
    }

    /**
     * Target tracking on (visible + in-flight messages of all work queues) / desired tasks, at least 1.
     * Desired, not running: while instances boot and pull the image, running tasks lag, and a running-task
     * divisor would keep the metric high and scale out past {@code ceil(backlog / target)}. With no task
     * desired the divisor is 1, so the value stays positive while work exists; it reaches zero only when
     * the queues are empty.
     */
    private void addBacklogPerTaskPolicy(Props props) {
        List<Object> queries = new ArrayList<>();
        List<String> backlogIds = new ArrayList<>();
        for (int i = 0; i < props.queues().size(); i++) {
            String name = props.queues().get(i).getQueueName();
            queries.add(query("visible" + i, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", name));
            queries.add(query("inflight" + i, "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", name));
            backlogIds.add("visible" + i);
            backlogIds.add("inflight" + i);
        }
        queries.add(CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                .id(DESIRED_TASKS_ID)
                .returnData(false)
                .metricStat(CfnScalingPolicy.TargetTrackingMetricStatProperty.builder()
                        .stat("Average")
                        .metric(CfnScalingPolicy.TargetTrackingMetricProperty.builder()
                                .namespace(GpuWorkerService.CONTAINER_INSIGHTS)
                                .metricName(GpuWorkerService.DESIRED_TASK_COUNT)
                                .dimensions(List.of(
                                        dimension("ClusterName", props.clusterName()),
                                        dimension("ServiceName", props.service().getServiceName())))
                                .build())
                        .build())
                .build());
        queries.add(CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                .id("backlogPerTask")
                .label("Queue messages (visible + in flight) per desired worker task")
                .expression(backlogPerTaskExpression(backlogIds))
                .returnData(true)
                .build());

        CfnScalingPolicy.Builder.create(this, "BacklogPerTaskPolicy")
                // named after the worker tier, not this concern (a concern is no part of any name)
                .policyName(Names.uniqueResourceName(
                                getNode().getScope(),
                                UniqueResourceNameOptions.builder()
                                        .maxLength(200)
                                        .build())
                        + "-backlog-per-task")
                .policyType("TargetTrackingScaling")
                .scalingTargetId(scalableTarget.getScalableTargetId())
                .targetTrackingScalingPolicyConfiguration(
                        CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty.builder()
                                .targetValue(props.backlogPerTaskTarget())
                                .disableScaleIn(false)
                                .scaleOutCooldown(SCALE_OUT_COOLDOWN_SECONDS)
                                .scaleInCooldown(SCALE_IN_COOLDOWN_SECONDS)
                                .customizedMetricSpecification(
                                        CfnScalingPolicy.CustomizedMetricSpecificationProperty.builder()
                                                .metrics(queries)
                                                .build())
                                .build())
                .build();
    }

    static String backlogPerTaskExpression(List<String> backlogIds) {
        String desired = "FILL(" + DESIRED_TASKS_ID + ", 0)";
        // SQS publishes metrics only for active queues: a quiet queue has no data points, not zeros.
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
        return "(" + filledSum(backlogIds) + ") / IF(" + desired + " > 1, " + desired + ", 1)";
    }

    /** {@code FILL(a, 0) + FILL(b, 0) + ...}: a missing queue series counts as zero messages. */
    static String filledSum(List<String> ids) {
        return String.join(" + ", ids.stream().map(id -> "FILL(" + id + ", 0)").toList());
    }

    /**
     * Target tracking cannot leave zero tasks; this step policy sets exactly one task when work waits and
     * none is desired. ExactCapacity, so an alarm that stays in ALARM does not add a task per minute; and on
     * desired, not running, tasks, so it never undoes a scale-out of target tracking while instances boot.
     */
    private void addWakeFromZeroPolicy(Props props) {
        Map<String, IMetric> using = new LinkedHashMap<>();
        List<String> visible = new ArrayList<>();
        for (int i = 0; i < props.queues().size(); i++) {
            using.put(
                    "visible" + i,
                    props.queues()
                            .get(i)
                            .metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                                    .statistic("Maximum")
                                    .period(Duration.minutes(1))
                                    .build()));
            visible.add("visible" + i);
        }
        using.put(DESIRED_TASKS_ID, props.desiredTasks());
        Alarm alarm = MathExpression.Builder.create()
                .label("Work waiting with no worker desired (1 = yes)")
                .expression(wakeExpression(visible))
                .usingMetrics(using)
                .period(Duration.minutes(1))
                .build()
                .createAlarm(
                        this,
                        "WakeFromZeroAlarm",
                        CreateAlarmOptions.builder()
                                .alarmDescription("Sieve: messages wait in a work queue and no GPU worker is desired;"
                                        + " sets the worker service to one task")
                                .threshold(1)
                                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                                .evaluationPeriods(1)
                                .treatMissingData(TreatMissingData.NOT_BREACHING)
                                .build());
        StepScalingAction wake = StepScalingAction.Builder.create(this, "WakeFromZeroPolicy")
                .policyName(LogicalIds.uniqueName(this, "WakeFromZeroPolicy"))
                .scalingTarget(scalableTarget)
                .adjustmentType(AdjustmentType.EXACT_CAPACITY)
                .metricAggregationType(MetricAggregationType.MAXIMUM)
                .cooldown(Duration.minutes(1))
                .build();
        wake.addAdjustment(AdjustmentTier.builder().lowerBound(0).adjustment(1).build());
        alarm.addAlarmAction(new ApplicationScalingAction(wake));
    }

    static String wakeExpression(List<String> visibleIds) {
        return "IF((" + filledSum(visibleIds) + ") > 0 && FILL(" + DESIRED_TASKS_ID + ", 0) == 0, 1, 0)";
    }

    private static Object query(String id, String namespace, String metricName, String dimension, String value) {
        return CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                .id(id)
                .returnData(false)
                .metricStat(CfnScalingPolicy.TargetTrackingMetricStatProperty.builder()
                        .stat("Average")
                        .metric(CfnScalingPolicy.TargetTrackingMetricProperty.builder()
                                .namespace(namespace)
                                .metricName(metricName)
                                .dimensions(List.of(dimension(dimension, value)))
                                .build())
                        .build())
                .build();
    }

    private static CfnScalingPolicy.TargetTrackingMetricDimensionProperty dimension(String name, String value) {
        return CfnScalingPolicy.TargetTrackingMetricDimensionProperty.builder()
                .name(name)
                .value(value)
                .build();
    }

    ScalableTarget scalableTarget() {
        return scalableTarget;
    }
}
