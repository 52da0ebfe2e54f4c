package dev.sieve.infra;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.result.BucketLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The whole Sieve deployment in one environment-agnostic stack: storage, queues, the gate API, the
 * GPU worker tier and monitoring, wired together with the environment-variable names of {@link
 * EnvironmentVariables}.
 */
public final class SieveStack extends Stack {

    private final SieveStorage storage;
    private final SieveQueues queues;
    private final GateApi gate;
    private final GpuWorkerService worker;
    private final SieveMonitoring monitoring;
    private final Vpc vpc;
    private final List<LaneWorkerService> lanes;
    private final SieveEventsOutbox events;

    public SieveStack(Construct scope, String id, StackProps stackProps, SieveStackProps props) {
        super(scope, id, stackProps);
        RetentionDays retention = retention(props.logRetentionDays());
        DataKey dataKey = DataKey.of(this, "DataKey", props.kmsKey(), props.retainData());

        storage = new SieveStorage(
                this,
                "Storage",
                SieveStorage.Props.defaults()
                        .withRetainData(props.retainData())
                        .withResultDays(props.resultsTtlDays())
                        .withDataKey(dataKey));
        queues = new SieveQueues(
                this,
                "Queues",
                SieveQueues.Props.defaults()
                        .withVisibilityTimeoutSeconds(props.visibilityTimeoutSeconds())
                        .withMaxReceiveCount(props.maxReceiveCount())
                        .withDataKey(dataKey)
                        .withLaneTenants(props.dedicatedTenants()));

        gate = new GateApi(
                this,
                "Gate",
                new GateApi.Props(
                        props.gateJar(),
                        props.authorizer(),
                        props.jwtIssuer(),
                        props.jwtAudience(),
                        props.realtimeBudgetMillis(),
                        props.gateMemoryMb(),
                        props.batchHandlerMemoryMb(),
                        props.apiRateLimit(),
                        props.apiBurstLimit(),
                        retention,
                        storage,
                        queues));

        vpc = vpc(props.natGateways(), storage);
        worker = new GpuWorkerService(
                this,
                "Worker",
                new GpuWorkerService.Props(
                        vpc,
                        SubnetSelection.builder()
                                .subnetType(
                                        props.natGateways() > 0 ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PUBLIC)
                                .build(),
                        props.instanceTypes(),
                        props.onDemandBaseCapacity(),
                        props.maxWorkers(),
                        props.dedicatedTenants().size() * props.laneMaxWorkers(),
                        props.backlogPerTaskTarget(),
                        props.drainGraceSeconds(),
                        props.bundlePublished(),
                        props.workerImage(),
                        new ArrayList<>(queues.all()),
                        props.metricsNamespace(),
                        retention));

        Map<String, String> common = commonEnvironment(props);
        Map<String, String> gateOnly = new LinkedHashMap<>();
        gateOnly.put(EnvironmentVariables.API_BASE_URL, gate.api().getApiEndpoint());
        gateOnly.put(EnvironmentVariables.REALTIME_BUDGET_MS, Integer.toString(props.realtimeBudgetMillis()));
        if (!queues.lanes().isEmpty()) {
            Map<String, String> laneUrls = new LinkedHashMap<>();
            queues.lanes().forEach((tenant, queue) -> laneUrls.put(tenant, queue.getQueueUrl()));
            gateOnly.put(EnvironmentVariables.LANE_QUEUE_URLS, toJsonString(laneUrls));
        }
        gate.addEnvironment(common, gateOnly);

        Map<String, String> workerEnvironment = new LinkedHashMap<>(common);
        workerEnvironment.put(EnvironmentVariables.DEVICE, "cuda:0");
        workerEnvironment.put(EnvironmentVariables.MAX_BATCH_ITEMS, Integer.toString(props.maxBatchItems()));
        workerEnvironment.put(EnvironmentVariables.MAX_BATCH_TOKENS, Integer.toString(props.maxBatchTokens()));
        workerEnvironment.put(EnvironmentVariables.MAX_WAIT_MS, Integer.toString(props.maxWaitMillis()));
        workerEnvironment.put(
                EnvironmentVariables.VISIBILITY_TIMEOUT_S, Integer.toString(props.visibilityTimeoutSeconds()));
        workerEnvironment.put(EnvironmentVariables.DRAIN_GRACE_S, Integer.toString(props.drainGraceSeconds()));
        worker.addEnvironment(workerEnvironment);

        IRole taskRole = worker.taskDefinition().getTaskRole();
        queues.grantConsume(taskRole);
        // The worker sends the ASSEMBLE task when it completes a job's last chunk.
        queues.grantSendJobs(taskRole);
        storage.grantTableItems(taskRole, WorkerTaskService.TABLE_ACTIONS);
        // The worker reads the bundle and queue payloads (never alters a queued text) and writes its part files.
        storage.grantReadPrefixes(taskRole, List.of(BucketLayout.BUNDLES, BucketLayout.PAYLOADS));
        storage.grantWritePrefixes(taskRole, List.of(BucketLayout.JOBS_PARTS));
        // It lists bundles/ to find a bundle's files.
        storage.grantListBucket(taskRole);
        lanes = lanes(props, workerEnvironment);
        monitoring = new SieveMonitoring(
                this,
                "Monitoring",
                new SieveMonitoring.Props(
                        queues,
                        gate,
                        worker,
                        props.metricsNamespace(),
                        props.realtimeBudgetMillis(),
                        props.gateMemoryMb(),
                        props.batchHandlerMemoryMb(),
                        props.gpuInstanceHourlyUsd(),
                        props.lambdaGbSecondUsd(),
                        props.apiRequestUsd(),
                        props.alarmEmail()));

        events = new SieveEventsOutbox(
                this,
                "Events",
                new SieveEventsOutbox.Props(
                        Code.fromAsset(props.eventsJar().toString()),
                        retention,
                        storage,
                        queues,
                        props.metricsNamespace(),
                        monitoring.alarmTopic()));

        output("ApiUrl", gate.api().getApiEndpoint(), "Base URL of the Sieve HTTP API");
        output("BucketName", storage.bucket().getBucketName(), "Bucket for bundles, uploads, manifests and outputs");
        output("BundleUri", storage.bundleUri(props.bundleVersion()), "Upload the model bundle here");
        output("TableName", storage.table().getTableName(), "DynamoDB table of requests, jobs and results");
        output("RealtimeQueueUrl", queues.queue(Priority.REALTIME).getQueueUrl(), "Real-time work queue");
        output("JobsQueueUrl", queues.jobsQueue().getQueueUrl(), "Batch-transform task queue (chunk, assemble)");
        output(
                "ReaperRuleName",
                gate.reaperSchedule().getRuleName(),
                "EventBridge rule running the reaper; disable it while re-driving dead-letter queues");
        output(
                "DeadLetterQueueArns",
                Fn.join(
                        ",",
                        ReaperFunction.deadLetterQueues(queues).stream()
                                .map(IQueue::getQueueArn)
                                .toList()),
                "Dead-letter queues of the work queues and the jobs queue (the reaper drains them)");
        output(
                "EventBusName",
                events.bus().getEventBusName(),
                "EventBridge bus of Sieve's completion and failure events (source \"sieve\"; README, Events)");
        output("EventBusArn", events.bus().getEventBusArn(), "ARN of the Sieve event bus");
        output("AlarmTopicArn", monitoring.alarmTopic().getTopicArn(), "Subscribe to receive Sieve alarms");
        output("ClusterName", worker.cluster().getClusterName(), "ECS cluster of the GPU workers");
        output("WorkerServiceName", worker.service().getServiceName(), "ECS service of the GPU workers");
        output(
                "WorkerAutoScalingGroupName",
                worker.autoScalingGroup().getAutoScalingGroupName(),
                "Auto Scaling group of the GPU instances (see infra/README.md, Teardown)");
        if (!lanes.isEmpty()) {
            output(
                    "LaneWorkerServiceNames",
                    Fn.join(
                            ",",
                            lanes.stream()
                                    .map(lane -> lane.service().getServiceName())
                                    .toList()),
                    "ECS services of the dedicated real-time lanes, in the order of -c dedicatedTenants ("
                            + String.join(",", props.dedicatedTenants()) + ")");
        }
        // Last: regrouping resources into concerns renames, and so replaces, nothing in a deployed stack.
        LogicalIds.leaveConcernsOut(this);
    }

    /**
     * One warm worker service per dedicated tenant, in the shared cluster, polling only its lane. Its role may
     * consume its own lane queue and nothing else of SQS (no job tasks: real-time work completes no chunk),
     * read the bundle and queue payloads, and use the table as the shared worker does.
     */
    private List<LaneWorkerService> lanes(SieveStackProps props, Map<String, String> workerEnvironment) {
        List<LaneWorkerService> made = new ArrayList<>();
        queues.lanes().forEach((tenant, queue) -> {
            LaneWorkerService lane = new LaneWorkerService(
                    this,
                    SieveQueues.laneId(tenant) + "Worker",
                    new LaneWorkerService.Props(
                            tenant,
                            worker,
                            queue,
                            props.laneMinWorkers(),
                            props.laneMaxWorkers(),
                            props.backlogPerTaskTarget(),
                            props.drainGraceSeconds(),
                            props.bundlePublished(),
                            props.workerImage(),
                            props.metricsNamespace(),
                            retention(props.logRetentionDays())));
            Map<String, String> env = new LinkedHashMap<>(workerEnvironment);
            env.put(EnvironmentVariables.REALTIME_QUEUE_URL, queue.getQueueUrl());
            env.remove(EnvironmentVariables.ASYNC_QUEUE_URL);
            env.remove(EnvironmentVariables.BATCH_QUEUE_URL);
            lane.addEnvironment(env);
            IRole role = lane.taskDefinition().getTaskRole();
            queue.grantConsumeMessages(role);
            storage.grantTableItems(role, WorkerTaskService.TABLE_ACTIONS);
            storage.grantReadPrefixes(role, List.of(BucketLayout.BUNDLES, BucketLayout.PAYLOADS));
            storage.grantListBucket(role);
            made.add(lane);
        });
        return List.copyOf(made);
    }

    /** The variables both the gate and the worker read (names from {@link EnvironmentVariables}). */
    private Map<String, String> commonEnvironment(SieveStackProps props) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvironmentVariables.TABLE_NAME, storage.table().getTableName());
        env.put(EnvironmentVariables.BUCKET_NAME, storage.bucket().getBucketName());
        env.put(
                EnvironmentVariables.REALTIME_QUEUE_URL,
                queues.queue(Priority.REALTIME).getQueueUrl());
        env.put(
                EnvironmentVariables.ASYNC_QUEUE_URL,
                queues.queue(Priority.ASYNC).getQueueUrl());
        env.put(
                EnvironmentVariables.BATCH_QUEUE_URL,
                queues.queue(Priority.BATCH).getQueueUrl());
        env.put(EnvironmentVariables.JOBS_QUEUE_URL, queues.jobsQueue().getQueueUrl());
        env.put(EnvironmentVariables.BUNDLE_URI, storage.bundleUri(props.bundleVersion()));
        env.put(EnvironmentVariables.METRICS_NAMESPACE, props.metricsNamespace());
        env.put(EnvironmentVariables.RESULTS_TTL_DAYS, Integer.toString(props.resultsTtlDays()));
        return env;
    }

    private Vpc vpc(int natGateways, SieveStorage storage) {
        List<SubnetConfiguration> subnets = new ArrayList<>();
        subnets.add(SubnetConfiguration.builder()
                .name("Public")
                .subnetType(SubnetType.PUBLIC)
                .cidrMask(24)
                .build());
        if (natGateways > 0) {
            subnets.add(SubnetConfiguration.builder()
                    .name("Workers")
                    .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                    .cidrMask(20)
                    .build());
        }
        return Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(natGateways)
                .subnetConfiguration(subnets)
                .restrictDefaultSecurityGroup(true)
                // S3 and DynamoDB traffic of the workers bypasses the NAT gateway (free, and no NAT data charges).
                .gatewayEndpoints(InOrder.map(
                        "S3",
                        GatewayVpcEndpointOptions.builder()
                                .service(GatewayVpcEndpointAwsService.S3)
                                .build(),
                        "DynamoDb",
                        GatewayVpcEndpointOptions.builder()
                                .service(GatewayVpcEndpointAwsService.DYNAMODB)
                                .build()))
                .flowLogs(Map.of(
                        "RejectedTraffic",
                        FlowLogOptions.builder()
                                .trafficType(FlowLogTrafficType.REJECT)
                                .destination(FlowLogDestination.toS3(storage.accessLogBucket(), "vpc-flow-logs/"))
                                .build()))
                .build();
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    static RetentionDays retention(int days) {
        for (RetentionDays candidate : RetentionDays.values()) {
            if (candidate.name().equals(retentionName(days))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("No CloudWatch Logs retention of " + days + " days");
    }

    private static String retentionName(int days) {
        return switch (days) {
            case 1 -> "ONE_DAY";
            case 3 -> "THREE_DAYS";
            case 5 -> "FIVE_DAYS";
            case 7 -> "ONE_WEEK";
            case 14 -> "TWO_WEEKS";
            case 30 -> "ONE_MONTH";
            case 60 -> "TWO_MONTHS";
            case 90 -> "THREE_MONTHS";
            case 120 -> "FOUR_MONTHS";
            case 150 -> "FIVE_MONTHS";
            case 180 -> "SIX_MONTHS";
            case 365 -> "ONE_YEAR";
            case 400 -> "THIRTEEN_MONTHS";
            case 545 -> "EIGHTEEN_MONTHS";
            case 731 -> "TWO_YEARS";
            case 1096 -> "THREE_YEARS";
            case 1827 -> "FIVE_YEARS";
            case 2192 -> "SIX_YEARS";
            case 2557 -> "SEVEN_YEARS";
            case 2922 -> "EIGHT_YEARS";
            case 3288 -> "NINE_YEARS";
            case 3653 -> "TEN_YEARS";
            default -> "";
        };
    }

    public SieveStorage storage() {
        return storage;
    }

    public SieveQueues queues() {
        return queues;
    }

    public GateApi gate() {
        return gate;
    }

    public GpuWorkerService worker() {
        return worker;
    }

    /** The completion and failure events: the table's stream, the events Lambda, the bus. */
    SieveEventsOutbox events() {
        return events;
    }

    public SieveMonitoring monitoring() {
        return monitoring;
    }

    public Vpc vpc() {
        return vpc;
    }

    /** The dedicated lanes' worker services (empty without {@code -c dedicatedTenants}). */
    List<LaneWorkerService> lanes() {
        return lanes;
    }
}
