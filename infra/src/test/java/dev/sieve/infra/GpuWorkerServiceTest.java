package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.metrics.MetricNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class GpuWorkerServiceTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();
    private static final GpuWorkerService WORKER =
            SynthesizedSieve.DEFAULT.stack().worker();

    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    @Test
    void sqsMetrics_areFilledWithZeroInTheBacklogAndWakeExpressions() {
        assertThat(GpuWorkerService.backlogPerTaskExpression(List.of("visible0", "inflight0")))
                .startsWith("(FILL(visible0, 0) + FILL(inflight0, 0)) / ");
        String alarms = TEMPLATE.findResources("AWS::CloudWatch::Alarm").toString();
        assertThat(alarms).contains("IF((FILL(visible0, 0) + FILL(visible1, 0) + FILL(visible2, 0)) > 0");
        String policies = TEMPLATE.findResources("AWS::ApplicationAutoScaling::ScalingPolicy")
                .toString();
        assertThat(policies).contains("(FILL(visible0, 0) + FILL(inflight0, 0) + ");
    }

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
    @Test
    void spotInstanceDraining_isEnabledInTheAgentConfigOfTheLaunchTemplate() {
        Map<String, Object> data = map(properties(TEMPLATE, "AWS::EC2::LaunchTemplate")
                .values()
                .iterator()
                .next()
                .get("LaunchTemplateData"));
        assertThat(data.get("UserData").toString())
                .contains("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config");
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
    void launchTemplate_requiresImdsV2AndEncryptsTheRootVolume() {
        Map<String, Object> data = map(properties(TEMPLATE, "AWS::EC2::LaunchTemplate")
                .values()
                .iterator()
                .next()
                .get("LaunchTemplateData"));
        assertThat(map(data.get("MetadataOptions")))
                .containsEntry("HttpTokens", "required")
                .containsEntry("HttpPutResponseHopLimit", 1);
        assertThat(list(data.get("BlockDeviceMappings")))
                .isNotEmpty()
                .allSatisfy(device -> assertThat(map(map(device).get("Ebs"))).containsEntry("Encrypted", true));
        // the image id comes from the ECS GPU-optimized AMI parameter, resolved at deploy time
        assertThat(TEMPLATE.toJSON().get("Parameters").toString())
                .contains("/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id");
    }

    @Test
    void autoScalingGroup_mixesGpuTypesSpotFirstAndStartsEmpty() {
        Map<String, Object> asg = properties(TEMPLATE, "AWS::AutoScaling::AutoScalingGroup")
                .values()
                .iterator()
                .next();
        assertThat(asg)
                .containsEntry("MinSize", "0")
                .containsEntry("MaxSize", "4")
                .doesNotContainKey("DesiredCapacity");
        Map<String, Object> mixed = map(asg.get("MixedInstancesPolicy"));
        assertThat(map(mixed.get("InstancesDistribution")))
                .containsEntry("OnDemandBaseCapacity", 0)
                .containsEntry("OnDemandPercentageAboveBaseCapacity", 0)
                .containsEntry("SpotAllocationStrategy", "price-capacity-optimized");
        List<Object> overrides = list(map(mixed.get("LaunchTemplate")).get("Overrides"));
        assertThat(overrides.stream().map(o -> map(o).get("InstanceType")))
                .containsExactly("g6.xlarge", "g5.xlarge", "g4dn.xlarge");
        TEMPLATE.resourceCountIs("AWS::AutoScaling::ScalingPolicy", 0);
    }

    @Test
    void autoScalingGroup_withOnDemandBase_buysThatManyOnDemand() {
        SieveStackProps props = SieveStackProps.fromContext(
                Map.<String, Object>of("onDemandBaseCapacity", "1", "instanceTypes", List.of("g6.xlarge"))::get,
                SynthesizedSieve.DEFAULT.props().gateJar(),
                SynthesizedSieve.DEFAULT.props().workerImage());
        assertThat(props.onDemandBaseCapacity()).isEqualTo(1);
        assertThat(props.instanceTypes()).containsExactly("g6.xlarge");
    }

    @Test
    void capacityProvider_hasManagedScalingDrainingAndTerminationProtection() {
        TEMPLATE.hasResourceProperties(
                "AWS::ECS::CapacityProvider",
                Map.of(
                        "AutoScalingGroupProvider",
                        Match.objectLike(Map.of(
                                "ManagedScaling", Match.objectLike(Map.of("Status", "ENABLED")),
                                "ManagedDraining", "ENABLED",
                                "ManagedTerminationProtection", "ENABLED"))));
        TEMPLATE.hasResourceProperties(
                "AWS::ECS::Cluster",
                Map.of("ClusterSettings", List.of(Map.of("Name", "containerInsights", "Value", "enabled"))));
    }

    @Test
    void task_requestsOneGpuAndHasTimeToDrain() {
        Map<String, Object> container = map(list(properties(TEMPLATE, "AWS::ECS::TaskDefinition")
                        .values()
                        .iterator()
                        .next()
                        .get("ContainerDefinitions"))
                .get(0));
        assertThat(list(container.get("ResourceRequirements"))).containsExactly(Map.of("Type", "GPU", "Value", "1"));
        assertThat((Integer) container.get("StopTimeout"))
                .isGreaterThan(90)
                .isLessThanOrEqualTo(GpuWorkerService.MAX_STOP_TIMEOUT_SECONDS);
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
                .isEqualTo(GpuWorkerService.backlogPerTaskExpression(
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
                .filter(m -> GpuWorkerService.DESIRED_TASKS_ID.equals(m.get("Id")))
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
                .contains(GpuWorkerService.wakeExpression(List.of("visible0", "visible1", "visible2")))
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

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html (DesiredCount)
    @Test
    void service_withAPublishedBundle_hasNoDesiredCountForCloudFormationToReapply() {
        Template published = SynthesizedSieve.published().template();
        assertThat(properties(published, "AWS::ECS::Service").values())
                .singleElement()
                .satisfies(service -> assertThat(service).doesNotContainKey("DesiredCount"));
    }

    @Test
    void service_beforeABundleIsPublished_isCreatedWithZeroTasks() {
        assertThat(properties(TEMPLATE, "AWS::ECS::Service").values())
                .singleElement()
                .satisfies(service -> assertThat(service).containsEntry("DesiredCount", 0));
    }

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
    @Test
    void service_deployHealthBounds_fitOneTaskPerSingleGpuInstance() {
        Map<String, Object> deployment = map(properties(TEMPLATE, "AWS::ECS::Service")
                .values()
                .iterator()
                .next()
                .get("DeploymentConfiguration"));
        assertThat(deployment).containsEntry("MinimumHealthyPercent", 0).containsEntry("MaximumPercent", 100);
    }

    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-clustercapacityproviderassociations.html
    @Test
    void service_dependsOnTheClusterCapacityProviderAssociation() {
        String association = TEMPLATE.findResources("AWS::ECS::ClusterCapacityProviderAssociations").keySet().stream()
                .collect(Collectors.collectingAndThen(Collectors.toList(), ids -> {
                    assertThat(ids).hasSize(1);
                    return ids.get(0);
                }));
        Map<String, Object> service = map(
                TEMPLATE.findResources("AWS::ECS::Service").values().iterator().next());
        assertThat(list(service.get("DependsOn"))).contains(association);
    }

    // https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html
    @Test
    void worker_getsItsRegionFromTheEnvironment_becauseImdsIsClosedToContainers() {
        assertThat(workerEnvironment()).containsEntry(GpuWorkerService.AWS_REGION, Map.of("Ref", "AWS::Region"));
    }

    @Test
    void worker_environmentNames_areExactlyTheSharedConstants() {
        Map<String, Object> env = new LinkedHashMap<>(workerEnvironment());
        env.remove(GpuWorkerService.AWS_REGION); // the AWS SDK's name, not Sieve's
        assertThat(Templates.environmentVariableNames()).containsAll(env.keySet());
        assertThat(env)
                .containsKeys(
                        EnvironmentVariables.TABLE_NAME,
                        EnvironmentVariables.BUCKET_NAME,
                        EnvironmentVariables.REALTIME_QUEUE_URL,
                        EnvironmentVariables.ASYNC_QUEUE_URL,
                        EnvironmentVariables.BATCH_QUEUE_URL,
                        EnvironmentVariables.JOBS_QUEUE_URL,
                        EnvironmentVariables.BUNDLE_URI,
                        EnvironmentVariables.MAX_BATCH_ITEMS,
                        EnvironmentVariables.MAX_BATCH_TOKENS,
                        EnvironmentVariables.MAX_WAIT_MS,
                        EnvironmentVariables.DRAIN_GRACE_S,
                        EnvironmentVariables.METRICS_NAMESPACE)
                .containsEntry(EnvironmentVariables.DEVICE, "cuda:0");
    }

    @Test
    void worker_metricsForTheDashboard_areLiftedFromItsLogs() {
        Set<String> names = properties(TEMPLATE, "AWS::Logs::MetricFilter").values().stream()
                .flatMap(f -> list(f.get("MetricTransformations")).stream())
                .map(t -> map(t).get("MetricName") + "@" + map(t).get("MetricNamespace"))
                .collect(Collectors.toSet());
        assertThat(names)
                .containsExactlyInAnyOrder(
                        MetricNames.EXPERT_ITEMS + "@Sieve",
                        MetricNames.EXPERT_BUSY_SECONDS + "@Sieve",
                        MetricNames.EXPERT_QUEUE_LATENCY_MS + "@Sieve");
    }

    @Test
    void taskRole_grantsOnlyTheWorkersPrefixes() {
        String role = SynthesizedSieve.logicalId(WORKER.taskDefinition().getTaskRole());
        String policy = properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .map(p -> String.valueOf(p.get("PolicyDocument")))
                .collect(Collectors.joining());
        assertThat(policy)
                .contains(
                        "/bundles/*",
                        "/jobs/parts/*",
                        "/payloads/*",
                        "sqs:ReceiveMessage",
                        "sqs:ChangeMessageVisibility")
                .doesNotContain("/uploads/*", "/jobs/in/*", "s3:DeleteObject");
        // the worker sends only ASSEMBLE tasks to the jobs queue, never to the work queues
        String jobsQueue = SynthesizedSieve.logicalId(
                SynthesizedSieve.DEFAULT.stack().queues().jobsQueue());
        List<Map<String, Object>> sends = properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> role.equals(Templates.referencedId(r))))
                .flatMap(p -> list(map(p.get("PolicyDocument")).get("Statement")).stream())
                .map(Templates::map)
                .filter(s -> String.valueOf(s.get("Action")).contains("sqs:SendMessage"))
                .toList();
        assertThat(sends).hasSize(1);
        assertThat(Templates.referencedId(sends.get(0).get("Resource"))).isEqualTo(jobsQueue);
    }

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html
    @Test
    void taskRole_mayGetAndUpdateTaskProtection_ofThisClustersTasksOnly() {
        Map<String, Object> statement =
                statementWith(WORKER.taskDefinition().getTaskRole(), "ecs:UpdateTaskProtection");
        assertThat(list(statement.get("Action")))
                .containsExactlyInAnyOrder("ecs:GetTaskProtection", "ecs:UpdateTaskProtection");
        assertThat(statement.get("Resource").toString())
                .contains(":task/", SynthesizedSieve.logicalId(WORKER.cluster()), "/*")
                .doesNotContain("container-instance");
    }

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
    @Test
    void instanceRole_mayDrainContainerInstances_ofThisClusterOnly() {
        Map<String, Object> statement = statementWith(WORKER.instanceRole(), "ecs:UpdateContainerInstancesState");
        assertThat(statement.get("Action")).isEqualTo("ecs:UpdateContainerInstancesState");
        assertThat(statement.get("Resource").toString())
                .contains(":container-instance/", SynthesizedSieve.logicalId(WORKER.cluster()), "/*");
    }

    /** The one statement of {@code role}'s policies whose actions include {@code action}. */
    static Map<String, Object> statementWith(software.amazon.awscdk.services.iam.IRole role, String action) {
        String roleId = SynthesizedSieve.logicalId(role);
        List<Map<String, Object>> statements = properties(TEMPLATE, "AWS::IAM::Policy").values().stream()
                .filter(p -> list(p.get("Roles")).stream().anyMatch(r -> roleId.equals(Templates.referencedId(r))))
                .flatMap(p -> list(map(p.get("PolicyDocument")).get("Statement")).stream())
                .map(Templates::map)
                .filter(s -> String.valueOf(s.get("Action")).contains(action))
                .toList();
        assertThat(statements).as(action).hasSize(1);
        return statements.get(0);
    }

    static Map<String, Object> workerEnvironment() {
        Map<String, Object> container =
                map(list(properties(SynthesizedSieve.DEFAULT.template(), "AWS::ECS::TaskDefinition")
                                .values()
                                .iterator()
                                .next()
                                .get("ContainerDefinitions"))
                        .get(0));
        Map<String, Object> env = new LinkedHashMap<>();
        list(container.get("Environment")).forEach(e -> env.put((String) map(e).get("Name"), map(e).get("Value")));
        return env;
    }

    private static List<Map<String, Object>> policies(String type) {
        return properties(TEMPLATE, "AWS::ApplicationAutoScaling::ScalingPolicy").values().stream()
                .filter(p -> type.equals(p.get("PolicyType")))
                .toList();
    }
}
