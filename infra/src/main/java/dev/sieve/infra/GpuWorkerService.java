package dev.sieve.infra;

import dev.sieve.shared.metrics.MetricNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.IgnoreMode;
import software.amazon.awscdk.Names;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentTier;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.CfnScalingPolicy;
import software.amazon.awscdk.services.applicationautoscaling.MetricAggregationType;
import software.amazon.awscdk.services.applicationautoscaling.ScalableTarget;
import software.amazon.awscdk.services.applicationautoscaling.ServiceNamespace;
import software.amazon.awscdk.services.applicationautoscaling.StepScalingAction;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.autoscaling.InstancesDistribution;
import software.amazon.awscdk.services.autoscaling.LaunchTemplateOverrides;
import software.amazon.awscdk.services.autoscaling.MixedInstancesPolicy;
import software.amazon.awscdk.services.autoscaling.OnDemandAllocationStrategy;
import software.amazon.awscdk.services.autoscaling.SpotAllocationStrategy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.ApplicationScalingAction;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AddAutoScalingGroupCapacityOptions;
import software.amazon.awscdk.services.ecs.AmiHardwareType;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverMode;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.ecs.EcsOptimizedImage;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.MachineImageType;
import software.amazon.awscdk.services.ecs.NetworkMode;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The expert tier: an ECS cluster on EC2 GPU capacity and the worker service that drains the queues.
 *
 * <ul>
 *   <li>Capacity: GPU-optimized ECS AMI (Amazon Linux 2023), a launch template with IMDSv2 only (hop
 *       limit 1, so containers cannot reach the instance role) and an encrypted gp3 root volume, one
 *       Auto Scaling group mixing the configured instance types, spot first with an optional
 *       on-demand base, behind a capacity provider with managed scaling, managed termination
 *       protection and managed draining.
 *   <li>Service: one GPU per task, scales on backlog per task (visible + in-flight messages of the
 *       three queues over running tasks) by target tracking, is woken from zero by a step policy when
 *       work waits and nothing runs, may scale in to zero, never scales on CPU. Busy tasks are not
 *       killed: the worker sets ECS task scale-in protection while it holds messages.
 * </ul>
 */
public final class GpuWorkerService extends Construct {

    /** ECS on EC2 caps a container's stop timeout at 120 seconds. */
    public static final int MAX_STOP_TIMEOUT_SECONDS = 120;
    /** Root volume size: the GPU AMI plus a CUDA/cuDNN image need room. */
    static final int ROOT_VOLUME_GIB = 100;
    /**
     * Deploy health bounds for one task per single-GPU instance. A maximum above 100 % needs a spare
     * instance per task (none at {@code maxWorkers}); a minimum above 0 % with a maximum of 100 % deadlocks
     * a one-task service (ECS rounds the minimum up to one task). Workers drain on SIGTERM and their
     * messages are leased, so stopping before starting loses nothing.
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
     */
    static final int MIN_HEALTHY_PERCENT = 0;

    static final int MAX_HEALTHY_PERCENT = 100;
    /** The AWS SDK's region variable: containers cannot reach IMDS (hop limit 1) to discover the region. */
    static final String AWS_REGION = "AWS_REGION";
    /** Metric math id of the desired-task series (in the backlog and wake-up expressions). */
    static final String DESIRED_TASKS_ID = "desired";

    static final String CONTAINER_INSIGHTS = "ECS/ContainerInsights";
    static final String DESIRED_TASK_COUNT = "DesiredTaskCount";

    /** Settings of the worker tier. */
    public record Props(
            IVpc vpc,
            SubnetSelection subnets,
            List<String> instanceTypes,
            int onDemandBaseCapacity,
            int maxWorkers,
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
    private final Role instanceRole;
    private final AutoScalingGroup autoScalingGroup;
    private final AsgCapacityProvider capacityProvider;
    private final Ec2TaskDefinition taskDefinition;
    private final ContainerDefinition container;
    private final Ec2Service service;
    private final ScalableTarget scalableTarget;
    private final LogGroup logGroup;
    private final List<IQueue> queues;

    public GpuWorkerService(Construct scope, String id, Props props) {
        super(scope, id);
        this.queues = props.queues();

        cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(props.vpc())
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();

        instanceRole = Role.Builder.create(this, "InstanceRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("ECS container instances of the Sieve GPU workers")
                .build();
        SecurityGroup securityGroup = SecurityGroup.Builder.create(this, "InstanceSecurityGroup")
                .vpc(props.vpc())
                .description("Sieve GPU workers: no inbound traffic; outbound to AWS APIs")
                .allowAllOutbound(true)
                .build();
        UserData userData = UserData.forLinux();
        userData.addCommands("echo ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config");
        // spotInstanceDraining(true) below writes nothing for a mixed-instances group, so the agent setting
        // is written here: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
        userData.addCommands("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config");
        LaunchTemplate launchTemplate = LaunchTemplate.Builder.create(this, "LaunchTemplate")
                .machineImage(EcsOptimizedImage.amazonLinux2023(AmiHardwareType.GPU))
                .requireImdsv2(true)
                .httpPutResponseHopLimit(1)
                .role(instanceRole)
                .securityGroup(securityGroup)
                .userData(userData)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName("/dev/xvda")
                        .volume(BlockDeviceVolume.ebs(
                                ROOT_VOLUME_GIB,
                                EbsDeviceOptions.builder()
                                        .encrypted(true)
                                        .volumeType(EbsDeviceVolumeType.GP3)
                                        .deleteOnTermination(true)
                                        .build()))
                        .build()))
                .build();

        List<LaunchTemplateOverrides> overrides = props.instanceTypes().stream()
                .map(type -> LaunchTemplateOverrides.builder()
                        .instanceType(new InstanceType(type))
                        .build())
                .toList();
        autoScalingGroup = AutoScalingGroup.Builder.create(this, "Capacity")
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .minCapacity(0)
                .maxCapacity(props.maxWorkers())
                .capacityRebalance(true)
                .mixedInstancesPolicy(MixedInstancesPolicy.builder()
                        .launchTemplate(launchTemplate)
                        .launchTemplateOverrides(overrides)
                        .instancesDistribution(InstancesDistribution.builder()
                                .onDemandBaseCapacity(props.onDemandBaseCapacity())
                                .onDemandPercentageAboveBaseCapacity(0)
                                .onDemandAllocationStrategy(OnDemandAllocationStrategy.PRIORITIZED)
                                .spotAllocationStrategy(SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED)
                                .build())
                        .build())
                .build();
        Validations.of(autoScalingGroup)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-AS3",
                        "The ECS capacity provider owns this group's size (it scales from and to zero with the"
                                + " work); its scaling is visible in ECS service events, and per-instance"
                                + " notifications would page on every batch of work."));

        capacityProvider = AsgCapacityProvider.Builder.create(this, "CapacityProvider")
                .autoScalingGroup(autoScalingGroup)
                .enableManagedScaling(true)
                .enableManagedTerminationProtection(true)
                .enableManagedDraining(true)
                .targetCapacityPercent(100)
                .build();
        cluster.addAsgCapacityProvider(
                capacityProvider,
                AddAutoScalingGroupCapacityOptions.builder()
                        .machineImageType(MachineImageType.AMAZON_LINUX_2)
                        .spotInstanceDraining(true)
                        .build());
        Acknowledgments.acknowledge(
                instanceRole,
                "AwsSolutions-IAM5[Resource::*]",
                "ECS container-agent permissions added by the CDK's cluster integration: ecs:DiscoverPollEndpoint,"
                        + " ecs:Submit*, ecr:GetAuthorizationToken and logs:CreateLogStream do not support"
                        + " resource-level scoping; the cluster-scoped actions are conditioned on this cluster.");
        Acknowledgments.acknowledge(
                instanceRole,
                "AwsSolutions-IAM5[Action::ecs:Submit*]",
                "ecs:Submit* (SubmitTaskStateChange, SubmitContainerStateChange, SubmitAttachmentStateChanges) is"
                        + " how the ECS agent reports task state; it is the documented agent policy and cannot be scoped.");
        Acknowledgments.acknowledge(
                autoScalingGroup,
                "AwsSolutions-EC26",
                "The rule cannot evaluate a mixed-instances launch template reference (it throws on the"
                        + " intrinsic); the launch template's root volume is encrypted gp3, asserted in GpuWorkerServiceTest.");

        logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        taskDefinition = Ec2TaskDefinition.Builder.create(this, "TaskDefinition")
                .networkMode(NetworkMode.BRIDGE)
                .build();
        container = taskDefinition.addContainer(
                "Worker",
                ContainerDefinitionOptions.builder()
                        .image(ContainerImage.fromAsset(
                                props.image().directory().toString(),
                                AssetImageProps.builder()
                                        .file(props.image().dockerfile())
                                        .exclude(props.image().excludes())
                                        .ignoreMode(IgnoreMode.DOCKER)
                                        .platform(Platform.LINUX_AMD64)
                                        .build()))
                        .essential(true)
                        .gpuCount(1)
                        .memoryReservationMiB(12_288)
                        .stopTimeout(
                                Duration.seconds(Math.min(MAX_STOP_TIMEOUT_SECONDS, props.drainGraceSeconds() + 10)))
                        .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                                .logGroup(logGroup)
                                .streamPrefix("worker")
                                .mode(AwsLogDriverMode.NON_BLOCKING)
                                .build()))
                        .build());
        Validations.of(taskDefinition)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-ECS2",
                        "The environment holds resource names, queue URLs and tuning numbers (the names of"
                                + " EnvironmentVariables), never secrets; secrets would come from Secrets Manager."));
        Acknowledgments.acknowledge(
                taskDefinition.obtainExecutionRole(),
                "AwsSolutions-IAM5[Resource::*]",
                "ecr:GetAuthorizationToken (added by the CDK for the image asset) supports only Resource '*';"
                        + " image pulls themselves are scoped to the asset repository.");

        grantTaskProtection(taskDefinition.getTaskRole());
        grantContainerInstanceDraining(instanceRole);

        container.addEnvironment(AWS_REGION, Stack.of(this).getRegion());

        service = Ec2Service.Builder.create(this, "Service")
                .cluster(cluster)
                .taskDefinition(taskDefinition)
                // No DesiredCount once a bundle is published: CloudFormation re-applies it on every update,
                // which would reset what auto scaling chose. Before that, 0, or the create would start a
                // task that finds no bundle, and the circuit breaker would roll the first deploy back.
                .desiredCount(props.bundlePublished() ? null : 0)
                .minHealthyPercent(MIN_HEALTHY_PERCENT)
                .maxHealthyPercent(MAX_HEALTHY_PERCENT)
                .circuitBreaker(
                        DeploymentCircuitBreaker.builder().rollback(true).build())
                .capacityProviderStrategies(List.of(CapacityProviderStrategy.builder()
                        .capacityProvider(capacityProvider.getCapacityProviderName())
                        .weight(1)
                        .build()))
                .enableEcsManagedTags(true)
                .build();
        // Known creation race: the capacity provider must be associated with the cluster before the service
        // names it. The association is a child of the cluster that CDK adds at synthesis, so the service
        // depends on the cluster's whole subtree.
        service.getNode().addDependency(cluster);

        scalableTarget = ScalableTarget.Builder.create(this, "ScalableTarget")
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/" + cluster.getClusterName() + "/" + service.getServiceName())
                .scalableDimension("ecs:service:DesiredCount")
                .minCapacity(0)
                .maxCapacity(props.maxWorkers())
                .build();
        scalableTarget.getNode().addDependency(service);

        addBacklogPerTaskPolicy(props.backlogPerTaskTarget());
        addWakeFromZeroPolicy();
        addWorkerMetricFilters(props.metricsNamespace());
    }

    /**
     * The worker sets scale-in protection through the ECS agent's task-protection endpoint, which calls
     * ECS with the task role: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html
     */
    private void grantTaskProtection(IRole taskRole) {
        taskRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("ecs:GetTaskProtection", "ecs:UpdateTaskProtection"))
                .resources(List.of(clusterArn("task")))
                .build());
        Acknowledgments.clusterScopedGrant(
                taskRole, cluster, "task", "ecs:GetTaskProtection and ecs:UpdateTaskProtection (its own protection)");
    }

    /**
     * Spot draining: the agent sets its own container instance to DRAINING on an interruption notice:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
     */
    private void grantContainerInstanceDraining(IRole instanceRole) {
        instanceRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("ecs:UpdateContainerInstancesState"))
                .resources(List.of(clusterArn("container-instance")))
                .build());
        Acknowledgments.clusterScopedGrant(
                instanceRole,
                cluster,
                "container-instance",
                "ecs:UpdateContainerInstancesState (setting its own instance to DRAINING)");
    }

    /** {@code arn:<partition>:ecs:<region>:<account>:<type>/<cluster>/*}: every resource of that type in the cluster. */
    private String clusterArn(String resourceType) {
        return Stack.of(this)
                .formatArn(ArnComponents.builder()
                        .service("ecs")
                        .resource(resourceType)
                        .resourceName(cluster.getClusterName() + "/*")
                        .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                        .build());
    }

    /**
     * Target tracking on (visible + in-flight messages of all work queues) / desired tasks, at least 1.
     * Desired, not running: while instances boot and pull the image, running tasks lag, and a running-task
     * divisor would keep the metric high and scale out past {@code ceil(backlog / target)}. With no task
     * desired the divisor is 1, so the value stays positive while work exists; it reaches zero only when
     * the queues are empty.
     */
    private void addBacklogPerTaskPolicy(int target) {
        List<Object> queries = new ArrayList<>();
        List<String> backlogIds = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            String name = queues.get(i).getQueueName();
            queries.add(sqsQuery("visible" + i, "ApproximateNumberOfMessagesVisible", name));
            queries.add(sqsQuery("inflight" + i, "ApproximateNumberOfMessagesNotVisible", name));
            backlogIds.add("visible" + i);
            backlogIds.add("inflight" + i);
        }
        queries.add(CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                .id(DESIRED_TASKS_ID)
                .returnData(false)
                .metricStat(CfnScalingPolicy.TargetTrackingMetricStatProperty.builder()
                        .stat("Average")
                        .metric(CfnScalingPolicy.TargetTrackingMetricProperty.builder()
                                .namespace(CONTAINER_INSIGHTS)
                                .metricName(DESIRED_TASK_COUNT)
                                .dimensions(List.of(
                                        dimension("ClusterName", cluster.getClusterName()),
                                        dimension("ServiceName", service.getServiceName())))
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
                .policyName(Names.uniqueResourceName(
                                this,
                                software.amazon.awscdk.UniqueResourceNameOptions.builder()
                                        .maxLength(200)
                                        .build())
                        + "-backlog-per-task")
                .policyType("TargetTrackingScaling")
                .scalingTargetId(scalableTarget.getScalableTargetId())
                .targetTrackingScalingPolicyConfiguration(
                        CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty.builder()
                                .targetValue(target)
                                .disableScaleIn(false)
                                .scaleOutCooldown(60)
                                .scaleInCooldown(300)
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
    private void addWakeFromZeroPolicy() {
        Map<String, IMetric> using = new LinkedHashMap<>();
        List<String> visible = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            using.put(
                    "visible" + i,
                    queues.get(i)
                            .metricApproximateNumberOfMessagesVisible(
                                    software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
                                            .statistic("Maximum")
                                            .period(Duration.minutes(1))
                                            .build()));
            visible.add("visible" + i);
        }
        using.put(DESIRED_TASKS_ID, desiredTasksMetric());
        MathExpression waitingWithNoWorker = MathExpression.Builder.create()
                .label("Work waiting with no worker desired (1 = yes)")
                .expression(wakeExpression(visible))
                .usingMetrics(using)
                .period(Duration.minutes(1))
                .build();
        Alarm alarm = waitingWithNoWorker.createAlarm(
                this,
                "WakeFromZeroAlarm",
                software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions.builder()
                        .alarmDescription("Sieve: messages wait in a work queue and no GPU worker is desired;"
                                + " sets the worker service to one task")
                        .threshold(1)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
        StepScalingAction wake = StepScalingAction.Builder.create(this, "WakeFromZeroPolicy")
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

    /**
     * The awslogs driver does not extract Embedded Metric Format, so the worker metrics the dashboard
     * reads are lifted from its JSON log lines by metric filters, under the same namespace, name and
     * {@code service} dimension that EMF would give them.
     */
    private void addWorkerMetricFilters(String namespace) {
        for (String name : List.of(
                MetricNames.EXPERT_ITEMS, MetricNames.EXPERT_BUSY_SECONDS, MetricNames.EXPERT_QUEUE_LATENCY_MS)) {
            MetricFilter.Builder.create(this, name + "Filter")
                    .logGroup(logGroup)
                    .metricNamespace(namespace)
                    .metricName(name)
                    .filterPattern(FilterPattern.all(
                            FilterPattern.stringValue("$." + MetricNames.SERVICE, "=", MetricNames.WORKER_SERVICE),
                            FilterPattern.numberValue("$." + name, ">=", 0)))
                    .metricValue("$." + name)
                    .dimensions(Map.of(MetricNames.SERVICE, "$." + MetricNames.SERVICE))
                    .build();
        }
    }

    private static Object sqsQuery(String id, String metricName, String queueName) {
        return CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                .id(id)
                .returnData(false)
                .metricStat(CfnScalingPolicy.TargetTrackingMetricStatProperty.builder()
                        .stat("Average")
                        .metric(CfnScalingPolicy.TargetTrackingMetricProperty.builder()
                                .namespace("AWS/SQS")
                                .metricName(metricName)
                                .dimensions(List.of(dimension("QueueName", queueName)))
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
                .dimensionsMap(Map.of("ClusterName", cluster.getClusterName(), "ServiceName", service.getServiceName()))
                .statistic("Average")
                .period(Duration.minutes(1))
                .build();
    }

    /** Sets the worker container's environment (names from {@code EnvironmentVariables}). */
    public void addEnvironment(Map<String, String> environment) {
        environment.forEach(container::addEnvironment);
    }

    public Cluster cluster() {
        return cluster;
    }

    public Role instanceRole() {
        return instanceRole;
    }

    public AutoScalingGroup autoScalingGroup() {
        return autoScalingGroup;
    }

    public AsgCapacityProvider capacityProvider() {
        return capacityProvider;
    }

    public Ec2TaskDefinition taskDefinition() {
        return taskDefinition;
    }

    public Ec2Service service() {
        return service;
    }

    public ScalableTarget scalableTarget() {
        return scalableTarget;
    }

    public LogGroup logGroup() {
        return logGroup;
    }
}
