package dev.sieve.infra;

import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.queue.Priority;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Alarms and the dashboard. Alarms (all sent to one encrypted SNS topic): a dead-letter queue is not
 * empty, the oldest real-time message is older than the real-time budget, the oldest message of any work
 * queue or the jobs queue has waited half its retention, the gate functions or the reaper fail, the reaper
 * stopped running, the routing drifts.
 * The dashboard shows routing rate, latency, items per second, queue depth, workers and the running
 * cost per million items, computed with metric math from the stack's own metrics and the prices in
 * the props.
 */
public final class SieveMonitoring extends Construct {

    /** Settings of the monitoring. */
    public record Props(
            SieveQueues queues,
            GateApi gate,
            GpuWorkerService worker,
            String metricsNamespace,
            int realtimeBudgetMillis,
            int gateMemoryMb,
            int batchHandlerMemoryMb,
            double gpuInstanceHourlyUsd,
            double lambdaGbSecondUsd,
            double apiRequestUsd,
            String alarmEmail) {
        public Props {
            Objects.requireNonNull(queues, "queues");
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(metricsNamespace, "metricsNamespace");
        }
    }

    private static final Duration PERIOD = Duration.minutes(5);

    private final Topic alarmTopic;
    private final List<Alarm> alarms = new ArrayList<>();
    private final Dashboard dashboard;
    private final Props props;

    public SieveMonitoring(Construct scope, String id, Props props) {
        super(scope, id);
        this.props = props;
        Key topicKey = Key.Builder.create(this, "AlarmTopicKey")
                .description("Encrypts the Sieve alarm topic; CloudWatch may use it to publish alarms")
                .enableKeyRotation(true)
                .build();
        topicKey.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
        alarmTopic = Topic.Builder.create(this, "AlarmTopic")
                .displayName("Sieve alarms")
                .masterKey(topicKey)
                .enforceSsl(true)
                .build();
        if (props.alarmEmail() != null && !props.alarmEmail().isBlank()) {
            alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail()));
        }

        alarms.addAll(new QueueAlarms(
                        this,
                        "QueueAlarms",
                        new QueueAlarms.Props(
                                props.queues(),
                                props.gate().batchEventDeadLetterQueue(),
                                props.realtimeBudgetMillis(),
                                alarmTopic))
                .alarms());
        for (Function fn : List.of(
                props.gate().gateFunction(),
                props.gate().batchFunction(),
                props.gate().reaperFunction())) {
            alarm(
                    fn.getNode().getId() + "Errors",
                    fn.metricErrors(MetricOptions.builder()
                            .statistic("Sum")
                            .period(PERIOD)
                            .build()),
                    1,
                    1,
                    "Sieve: the " + fn.getNode().getId() + " Lambda returned errors");
        }
        alarm(
                "Api5xx",
                props.gate()
                        .api()
                        .metricServerError(MetricOptions.builder()
                                .statistic("Sum")
                                .period(PERIOD)
                                .build()),
                5,
                1,
                "Sieve: the HTTP API answered 5xx responses");

        reaperNotRunningAlarm();
        routingDriftAlarm();

        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .defaultInterval(Duration.hours(3))
                .widgets(widgets())
                .build();
    }

    /**
     * The reaper's rule invoked nothing for 15 minutes (three scheduled runs): it was disabled (for a
     * re-drive, see the README) and not enabled again, or EventBridge cannot invoke the function. Missing
     * data is breaching: no invocation publishes no datapoint (so right after the first deploy, before the
     * first run, it may alarm once).
     */
    private void reaperNotRunningAlarm() {
        Alarm alarm = props.gate()
                .reaperFunction()
                .metricInvocations(MetricOptions.builder()
                        .statistic("Sum")
                        .period(Duration.minutes(3L * ReaperFunction.SCHEDULE_MINUTES))
                        .build())
                .createAlarm(
                        this,
                        "ReaperNotRunning",
                        CreateAlarmOptions.builder()
                                .alarmDescription("Sieve: the reaper has not run for 15 minutes; requests and jobs"
                                        + " whose work reached a dead-letter queue stay pending. Enable its rule"
                                        + " (stack output ReaperRuleName) once a re-drive is done")
                                .threshold(1)
                                .evaluationPeriods(1)
                                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                                .treatMissingData(TreatMissingData.BREACHING)
                                .build());
        alarm.addAlarmAction(new SnsAction(alarmTopic));
        alarms.add(alarm);
    }

    /**
     * Routing drift: the gate escalates more than {@link MetricNames#ROUTING_DRIFT_ALARM_RATIO} times the
     * items its calibrated routing rate predicts (escalated / expected, both summed over the whole gate
     * fleet and every mode), for 3 periods, with at least 20 expected escalations per period so a quiet
     * hour cannot trip it. The traffic no longer looks like the training data: the expert's bill and
     * latency grow, and the gate's answers are suspect.
     */
    private void routingDriftAlarm() {
        String ns = props.metricsNamespace();
        MathExpression drift = MathExpression.Builder.create()
                .label("Escalated / expected at the calibrated routing rate")
                .expression("IF(FILL(expected, 0) >= 20, FILL(escalated, 0) / FILL(expected, 1), 0)")
                .usingMetrics(InOrder.map(
                        "escalated",
                        custom(ns, MetricNames.ESCALATED_ITEMS, MetricNames.GATE_SERVICE, "Sum"),
                        "expected",
                        custom(ns, MetricNames.EXPECTED_ESCALATED_ITEMS, MetricNames.GATE_SERVICE, "Sum")))
                .period(PERIOD)
                .build();
        Alarm alarm = drift.createAlarm(
                this,
                "RoutingDrift",
                CreateAlarmOptions.builder()
                        .alarmDescription("Sieve: the gate escalates more than " + MetricNames.ROUTING_DRIFT_ALARM_RATIO
                                + "x the items its calibrated routing rate predicts, for 15 minutes: traffic has"
                                + " drifted from the training data (the gate's log says which classes); retrain or"
                                + " recalibrate the bundle")
                        .threshold(MetricNames.ROUTING_DRIFT_ALARM_RATIO)
                        .evaluationPeriods(3)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
        alarm.addAlarmAction(new SnsAction(alarmTopic));
        alarms.add(alarm);
    }

    private void alarm(String id, Metric metric, double threshold, int periods, String description) {
        alarms.add(atOrAbove(this, alarmTopic, id, metric, threshold, periods, description));
    }

    /**
     * How Sieve's threshold alarms are made: at or above {@code threshold} for {@code periods} periods, no
     * data is no breach, sent to the alarm topic.
     */
    static Alarm atOrAbove(
            Construct scope, Topic topic, String id, Metric metric, double threshold, int periods, String description) {
        Alarm alarm = metric.createAlarm(
                scope,
                id,
                CreateAlarmOptions.builder()
                        .alarmDescription(description)
                        .threshold(threshold)
                        .evaluationPeriods(periods)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
        alarm.addAlarmAction(new SnsAction(topic));
        return alarm;
    }

    private List<List<IWidget>> widgets() {
        String ns = props.metricsNamespace();
        Metric gateItems = custom(ns, MetricNames.GATE_ITEMS, MetricNames.GATE_SERVICE, "Sum");
        Metric escalated = custom(ns, MetricNames.ESCALATED_ITEMS, MetricNames.GATE_SERVICE, "Sum");
        Metric expertItems = custom(ns, MetricNames.EXPERT_ITEMS, MetricNames.WORKER_SERVICE, "Sum");

        MathExpression routingRate = MathExpression.Builder.create()
                .label("Escalated to the expert (%)")
                .expression("100 * escalated / items")
                .usingMetrics(InOrder.map("escalated", escalated, "items", gateItems))
                .period(PERIOD)
                .build();
        MathExpression gatePerSecond = perSecond("Gate items/s", "gateItems", gateItems);
        MathExpression expertPerSecond = perSecond("Expert items/s", "expertItems", expertItems);

        Metric apiLatencyP50 = apiMetric("Latency", "p50");
        Metric apiLatencyP99 = apiMetric("Latency", "p99");
        Metric expertLatencyP99 = custom(ns, MetricNames.EXPERT_QUEUE_LATENCY_MS, MetricNames.WORKER_SERVICE, "p99");

        List<IMetric> visible = new ArrayList<>();
        List<IMetric> inFlight = new ArrayList<>();
        List<IMetric> deadLetters = new ArrayList<>();
        for (Priority priority : Priority.values()) {
            IQueue queue = props.queues().queue(priority);
            visible.add(queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                    .label(name(priority) + " visible")
                    .statistic("Maximum")
                    .period(Duration.minutes(1))
                    .build()));
            inFlight.add(queue.metricApproximateNumberOfMessagesNotVisible(MetricOptions.builder()
                    .label(name(priority) + " in flight")
                    .statistic("Maximum")
                    .period(Duration.minutes(1))
                    .build()));
            deadLetters.add(props.queues()
                    .deadLetterQueue(priority)
                    .metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                            .label(name(priority) + " DLQ")
                            .statistic("Maximum")
                            .period(Duration.minutes(1))
                            .build()));
        }

        List<IWidget> header = List.of(TextWidget.Builder.create()
                .markdown("# Sieve\nRouting, latency, throughput, queues, GPU workers and cost. Cost per million"
                        + " items = (worker instance-hours x " + props.gpuInstanceHourlyUsd() + " USD + Lambda GB-s x "
                        + props.lambdaGbSecondUsd() + " USD + API requests x " + props.apiRequestUsd()
                        + " USD) / items entering the gate; set the prices with CDK context.")
                .width(24)
                .height(2)
                .build());
        List<IWidget> row1 = List.of(
                graph("Routing rate", List.of(routingRate)),
                graph("Latency (ms)", List.of(apiLatencyP50, apiLatencyP99, expertLatencyP99)),
                graph("Items per second", List.of(gatePerSecond, expertPerSecond)));
        List<IWidget> row2 = List.of(
                graph("Queue depth", concat(visible, inFlight)),
                graph("Dead-letter queues", deadLetters),
                graph("GPU workers (running tasks)", List.of(props.worker().runningTasksMetric())));
        List<IWidget> row3 = List.of(graph("Cost per million items (USD)", List.of(costPerMillionItems(gateItems))));
        return List.of(header, row1, row2, row3);
    }

    /**
     * USD per million items over each period: worker task-seconds (one GPU instance per task) at the
     * instance price, plus the gate's Lambda GB-seconds, plus API requests, over the items the gate saw.
     */
    MathExpression costPerMillionItems(Metric gateItems) {
        Map<String, IMetric> using = new LinkedHashMap<>();
        using.put("items", gateItems);
        using.put(
                "tasks",
                props.worker()
                        .runningTasksMetric()
                        .with(MetricOptions.builder().period(PERIOD).build()));
        using.put("gateMs", props.gate().gateFunction().metricDuration(sum()));
        using.put("batchMs", props.gate().batchFunction().metricDuration(sum()));
        using.put("requests", apiMetric("Count", "Sum"));
        String perSecondGpu = format(props.gpuInstanceHourlyUsd() / 3600.0);
        String gateGbSecond = format(props.gateMemoryMb() / 1024.0 * props.lambdaGbSecondUsd() / 1000.0);
        String batchGbSecond = format(props.batchHandlerMemoryMb() / 1024.0 * props.lambdaGbSecondUsd() / 1000.0);
        String expression = "1000000 * (FILL(tasks, 0) * PERIOD(items) * " + perSecondGpu
                + " + FILL(gateMs, 0) * " + gateGbSecond
                + " + FILL(batchMs, 0) * " + batchGbSecond
                + " + FILL(requests, 0) * " + format(props.apiRequestUsd()) + ") / items";
        return MathExpression.Builder.create()
                .label("USD per 1M items")
                .expression(expression)
                .usingMetrics(using)
                .period(PERIOD)
                .build();
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.12f", value);
    }

    private Metric apiMetric(String name, String statistic) {
        return Metric.Builder.create()
                .namespace("AWS/ApiGateway")
                .metricName(name)
                .dimensionsMap(InOrder.map("ApiId", props.gate().api().getApiId(), "Stage", "$default"))
                .statistic(statistic)
                .label("API " + name + " " + statistic)
                .period(PERIOD)
                .build();
    }

    private static Metric custom(String namespace, String name, String service, String statistic) {
        return Metric.Builder.create()
                .namespace(namespace)
                .metricName(name)
                .dimensionsMap(Map.of(MetricNames.SERVICE, service))
                .statistic(statistic)
                .label(name + " " + statistic)
                .period(PERIOD)
                .build();
    }

    private static MathExpression perSecond(String label, String id, Metric count) {
        return MathExpression.Builder.create()
                .label(label)
                .expression(id + " / PERIOD(" + id + ")")
                .usingMetrics(Map.of(id, count))
                .period(PERIOD)
                .build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(metrics)
                .width(8)
                .height(6)
                .build();
    }

    private static List<IMetric> concat(List<IMetric> a, List<IMetric> b) {
        List<IMetric> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static MetricOptions max(Duration period) {
        return MetricOptions.builder().statistic("Maximum").period(period).build();
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
    }

    static String name(Priority priority) {
        return switch (priority) {
            case REALTIME -> "Realtime";
            case ASYNC -> "Async";
            case BATCH -> "Batch";
        };
    }

    public Topic alarmTopic() {
        return alarmTopic;
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    public Dashboard dashboard() {
        return dashboard;
    }
}
