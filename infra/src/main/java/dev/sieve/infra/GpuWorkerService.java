package dev.sieve.infra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.applicationautoscaling.ScalableTarget;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The expert tier: an ECS cluster on EC2 GPU capacity and the worker service that drains the queues,
 * built from one construct per concern:
 *
 * <ul>
 *   <li>{@link GpuCapacity}: the instances (GPU AMI, IMDSv2, spot first) behind a capacity provider;
 *   <li>{@link WorkerTaskService}: the task (one GPU) and its ECS service;
 *   <li>{@link QueueBacklogScaling}: backlog-per-task target tracking and the wake from zero;
 *   <li>{@link WorkerLogMetrics}: the worker metrics the dashboard reads, from its logs.
 * </ul>
 *
 * Concerns are not part of logical ids ({@link Concern}), so the template is the one the single
 * construct synthesized before it was cut.
 */
public final class GpuWorkerService extends Construct {

    /** ECS on EC2 caps a container's stop timeout at 120 seconds. */
    public static final int MAX_STOP_TIMEOUT_SECONDS = WorkerTaskService.MAX_STOP_TIMEOUT_SECONDS;

    static final String CONTAINER_INSIGHTS = "ECS/ContainerInsights";
    static final String DESIRED_TASK_COUNT = "DesiredTaskCount";

    /** Settings of the worker tier. */
    public record Props(
            IVpc vpc,
            SubnetSelection subnets,
            List<String> instanceTypes,
            int onDemandBaseCapacity,
            int maxWorkers,
            int laneInstances,
            int backlogPerTaskTarget,
            int drainGraceSeconds,
            boolean bundlePublished,
            WorkerImageSource image,
            List<IQueue> queues,
            String metricsNamespace,
            RetentionDays logRetention) {
        public Props {
            Objects.requireNonNull(vpc, "vpc");
            Objects.requireNonNull(subnets, "subnets");
            instanceTypes = List.copyOf(instanceTypes);
            Objects.requireNonNull(image, "image");
            queues = List.copyOf(queues);
            Objects.requireNonNull(metricsNamespace, "metricsNamespace");
            Objects.requireNonNull(logRetention, "logRetention");
        }
    }

    private final Cluster cluster;
    private final GpuCapacity capacity;
    private final WorkerTaskService tasks;
    private final QueueBacklogScaling scaling;

    public GpuWorkerService(Construct scope, String id, Props props) {
        super(scope, id);
        cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(props.vpc())
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
        capacity = new GpuCapacity(
                this,
                "GpuCapacity",
                new GpuCapacity.Props(
                        cluster,
                        props.vpc(),
                        props.subnets(),
                        props.instanceTypes(),
                        props.onDemandBaseCapacity(),
                        // room for the dedicated lanes' workers beside the shared service's
                        props.maxWorkers() + props.laneInstances()));
        tasks = new WorkerTaskService(
                this,
                "TaskService",
                new WorkerTaskService.Props(
                        cluster,
                        capacity.capacityProvider(),
                        props.image(),
                        props.drainGraceSeconds(),
                        props.bundlePublished(),
                        props.logRetention()));
        scaling = new QueueBacklogScaling(
                this,
                "BacklogScaling",
                new QueueBacklogScaling.Props(
                        cluster.getClusterName(),
                        tasks.service(),
                        props.queues(),
                        props.maxWorkers(),
                        props.backlogPerTaskTarget(),
                        desiredTasksMetric()));
        new WorkerLogMetrics(this, "LogMetrics", tasks.logGroup(), props.metricsNamespace());
    }

    /** {@code arn:<partition>:ecs:<region>:<account>:<type>/<cluster>/*}: every resource of that type in the cluster. */
    static String clusterArn(Cluster cluster, String resourceType) {
        return Stack.of(cluster)
                .formatArn(ArnComponents.builder()
                        .service("ecs")
                        .resource(resourceType)
                        .resourceName(cluster.getClusterName() + "/*")
                        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                        .build());
    }

    /** Running worker tasks (Container Insights, 1-minute). */
    public Metric runningTasksMetric() {
        return containerInsightsMetric("RunningTaskCount");
    }

    /** Worker tasks the service wants (Container Insights, 1-minute): what auto scaling set. */
    public Metric desiredTasksMetric() {
        return containerInsightsMetric(DESIRED_TASK_COUNT);
    }

    private Metric containerInsightsMetric(String name) {
        return Metric.Builder.create()
                .namespace(CONTAINER_INSIGHTS)
                .metricName(name)
                .dimensionsMap(InOrder.map(
                        "ClusterName",
                        cluster.getClusterName(),
                        "ServiceName",
                        tasks.service().getServiceName()))
                .statistic("Average")
                .period(Duration.minutes(1))
                .build();
    }

    /** Sets the worker container's environment (names from {@code EnvironmentVariables}). */
    public void addEnvironment(Map<String, String> environment) {
        environment.forEach(tasks.container()::addEnvironment);
    }

    public Cluster cluster() {
        return cluster;
    }

    public Role instanceRole() {
        return capacity.instanceRole();
    }

    public AutoScalingGroup autoScalingGroup() {
        return capacity.autoScalingGroup();
    }

    public AsgCapacityProvider capacityProvider() {
        return capacity.capacityProvider();
    }

    public Ec2TaskDefinition taskDefinition() {
        return tasks.taskDefinition();
    }

    public Ec2Service service() {
        return tasks.service();
    }

    public ScalableTarget scalableTarget() {
        return scaling.scalableTarget();
    }

    public LogGroup logGroup() {
        return tasks.logGroup();
    }
}
