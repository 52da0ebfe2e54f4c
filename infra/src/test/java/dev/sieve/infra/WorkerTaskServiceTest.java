package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

class WorkerTaskServiceTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GpuWorkerService WORKER =
            SynthesizedSieve.DEFAULT.stack().worker();

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
        assertThat(GpuWorkerServiceTest.workerEnvironment())
                .containsEntry(WorkerTaskService.AWS_REGION, Map.of("Ref", "AWS::Region"));
    }

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html
    @Test
    void taskRole_mayGetAndUpdateTaskProtection_ofThisClustersTasksOnly() {
        Map<String, Object> statement =
                GpuWorkerServiceTest.statementWith(WORKER.taskDefinition().getTaskRole(), "ecs:UpdateTaskProtection");
        assertThat(list(statement.get("Action")))
                .containsExactlyInAnyOrder("ecs:GetTaskProtection", "ecs:UpdateTaskProtection");
        assertThat(statement.get("Resource").toString())
                .contains(":task/", SynthesizedSieve.logicalId(WORKER.cluster()), "/*")
                .doesNotContain("container-instance");
    }
}
