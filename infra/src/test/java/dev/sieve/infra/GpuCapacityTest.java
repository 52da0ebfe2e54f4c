package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class GpuCapacityTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    private static final GpuWorkerService WORKER =
            SynthesizedSieve.DEFAULT.stack().worker();

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
                SynthesizedSieve.DEFAULT.props().eventsJar(),
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

    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
    @Test
    void instanceRole_mayDrainContainerInstances_ofThisClusterOnly() {
        Map<String, Object> statement =
                GpuWorkerServiceTest.statementWith(WORKER.instanceRole(), "ecs:UpdateContainerInstancesState");
        assertThat(statement.get("Action")).isEqualTo("ecs:UpdateContainerInstancesState");
        assertThat(statement.get("Resource").toString())
                .contains(":container-instance/", SynthesizedSieve.logicalId(WORKER.cluster()), "/*");
    }
}
