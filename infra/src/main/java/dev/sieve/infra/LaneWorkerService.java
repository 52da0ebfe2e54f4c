package dev.sieve.infra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * A latency-critical tenant's dedicated real-time lane: a worker service of its own in the GPU cluster, on
 * the same capacity provider, that polls only the tenant's lane queue ({@link SieveQueues#lanes}) and stays
 * warm: at least {@code minWorkers} tasks (default 1) whatever the shared queues hold, scaled on the lane's
 * backlog up to {@code maxWorkers}. Another tenant's flood fills the shared real-time queue, never this one.
 * The task runs the same image and configuration as the shared worker, with the lane as its only queue.
 */
final class LaneWorkerService extends Construct {

    /** Settings of one lane. */
    record Props(
            String tenant,
            GpuWorkerService fleet,
            IQueue queue,
            int minWorkers,
            int maxWorkers,
            int backlogPerTaskTarget,
            int drainGraceSeconds,
            boolean bundlePublished,
            WorkerImageSource image,
            String metricsNamespace,
            RetentionDays logRetention) {
        Props {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(fleet, "fleet");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(image, "image");
        }
    }

    private final String tenant;
    private final WorkerTaskService tasks;

    LaneWorkerService(Construct scope, String id, Props props) {
        super(scope, id);
        tenant = props.tenant();
        tasks = new WorkerTaskService(
                this,
                "TaskService",
                new WorkerTaskService.Props(
                        props.fleet().cluster(),
                        props.fleet().capacityProvider(),
                        props.image(),
                        props.drainGraceSeconds(),
                        props.bundlePublished(),
                        props.logRetention()));
        new QueueBacklogScaling(
                this,
                "BacklogScaling",
                new QueueBacklogScaling.Props(
                        props.fleet().cluster().getClusterName(),
                        tasks.service(),
                        List.of(props.queue()),
                        // Warm only once a bundle is published: before that a task would find no bundle.
                        props.bundlePublished() ? props.minWorkers() : 0,
                        props.maxWorkers(),
                        props.backlogPerTaskTarget(),
                        desiredTasks(props)));
        new WorkerLogMetrics(this, "LogMetrics", tasks.logGroup(), props.metricsNamespace());
    }

    private Metric desiredTasks(Props props) {
        return Metric.Builder.create()
                .namespace(GpuWorkerService.CONTAINER_INSIGHTS)
                .metricName(GpuWorkerService.DESIRED_TASK_COUNT)
                .dimensionsMap(InOrder.map(
                        "ClusterName",
                        props.fleet().cluster().getClusterName(),
                        "ServiceName",
                        tasks.service().getServiceName()))
                .statistic("Average")
                .period(Duration.minutes(1))
                .build();
    }

    /** Sets the lane worker's environment (names from {@code EnvironmentVariables}). */
    void addEnvironment(Map<String, String> environment) {
        environment.forEach(tasks.container()::addEnvironment);
    }

    String tenant() {
        return tenant;
    }

    Ec2TaskDefinition taskDefinition() {
        return tasks.taskDefinition();
    }

    Ec2Service service() {
        return tasks.service();
    }
}
