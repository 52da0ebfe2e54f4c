package dev.sieve.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.autoscaling.InstancesDistribution;
import software.amazon.awscdk.services.autoscaling.LaunchTemplateOverrides;
import software.amazon.awscdk.services.autoscaling.MixedInstancesPolicy;
import software.amazon.awscdk.services.autoscaling.OnDemandAllocationStrategy;
import software.amazon.awscdk.services.autoscaling.SpotAllocationStrategy;
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
import software.amazon.awscdk.services.ecs.AddAutoScalingGroupCapacityOptions;
import software.amazon.awscdk.services.ecs.AmiHardwareType;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.EcsOptimizedImage;
import software.amazon.awscdk.services.ecs.MachineImageType;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * GPU capacity of the worker cluster: the GPU-optimized ECS AMI (Amazon Linux 2023), a launch template
 * with IMDSv2 only (hop limit 1, so containers cannot reach the instance role) and an encrypted gp3 root
 * volume, one Auto Scaling group mixing the configured instance types, spot first with an optional
 * on-demand base, behind a capacity provider with managed scaling, termination protection and draining.
 */
final class GpuCapacity extends Concern {

    /** Root volume size: the GPU AMI plus a CUDA/cuDNN image need room. */
    static final int ROOT_VOLUME_GIB = 100;

    /** Settings of the capacity. */
    record Props(
            Cluster cluster,
            IVpc vpc,
            SubnetSelection subnets,
            List<String> instanceTypes,
            int onDemandBaseCapacity,
            int maxInstances) {
        Props {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(vpc, "vpc");
            Objects.requireNonNull(subnets, "subnets");
            instanceTypes = List.copyOf(instanceTypes);
        }
    }

    private final Role instanceRole;
    private final AutoScalingGroup autoScalingGroup;
    private final AsgCapacityProvider capacityProvider;

    GpuCapacity(Construct scope, String id, Props props) {
        super(scope, id);
        instanceRole = Role.Builder.create(this, "InstanceRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("ECS container instances of the Sieve GPU workers")
                .build();
        LaunchTemplate launchTemplate = launchTemplate(props.vpc());
        autoScalingGroup = AutoScalingGroup.Builder.create(this, "Capacity")
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .minCapacity(0)
                .maxCapacity(props.maxInstances())
                .capacityRebalance(true)
                .mixedInstancesPolicy(MixedInstancesPolicy.builder()
                        .launchTemplate(launchTemplate)
                        .launchTemplateOverrides(props.instanceTypes().stream()
                                .map(type -> LaunchTemplateOverrides.builder()
                                        .instanceType(new InstanceType(type))
                                        .build())
                                .toList())
                        .instancesDistribution(InstancesDistribution.builder()
                                .onDemandBaseCapacity(props.onDemandBaseCapacity())
                                .onDemandPercentageAboveBaseCapacity(0)
                                .onDemandAllocationStrategy(OnDemandAllocationStrategy.PRIORITIZED)
                                .spotAllocationStrategy(SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED)
                                .build())
                        .build())
                .build();
        capacityProvider = AsgCapacityProvider.Builder.create(this, "CapacityProvider")
                .autoScalingGroup(autoScalingGroup)
                .enableManagedScaling(true)
                .enableManagedTerminationProtection(true)
                .enableManagedDraining(true)
                .targetCapacityPercent(100)
                .build();
        props.cluster()
                .addAsgCapacityProvider(
                        capacityProvider,
                        AddAutoScalingGroupCapacityOptions.builder()
                                .machineImageType(MachineImageType.AMAZON_LINUX_2)
                                .spotInstanceDraining(true)
                                .build());
        grantContainerInstanceDraining(props.cluster());
        acknowledgeFindings();
    }

    private LaunchTemplate launchTemplate(IVpc vpc) {
        SecurityGroup securityGroup = SecurityGroup.Builder.create(this, "InstanceSecurityGroup")
                .vpc(vpc)
                .description("Sieve GPU workers: no inbound traffic; outbound to AWS APIs")
                .allowAllOutbound(true)
                .build();
        UserData userData = UserData.forLinux();
        userData.addCommands("echo ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config");
        // spotInstanceDraining(true) writes nothing for a mixed-instances group, so the agent setting is
        // written here: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
        userData.addCommands("echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config");
        LaunchTemplate template = LaunchTemplate.Builder.create(this, "LaunchTemplate")
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
        // CDK tags the template and its instances with the construct path; the path a reader of the
        // console knows has no concern in it, and a new tag value would publish a new template version.
        Tags.of(template).add("Name", LogicalIds.path(template));
        return template;
    }

    /**
     * Spot draining: the agent sets its own container instance to DRAINING on an interruption notice:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html
     */
    private void grantContainerInstanceDraining(Cluster cluster) {
        instanceRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("ecs:UpdateContainerInstancesState"))
                .resources(List.of(GpuWorkerService.clusterArn(cluster, "container-instance")))
                .build());
        Acknowledgments.clusterScopedGrant(
                instanceRole,
                cluster,
                "container-instance",
                "ecs:UpdateContainerInstancesState (setting its own instance to DRAINING)");
    }

    private void acknowledgeFindings() {
        Validations.of(autoScalingGroup)
                .acknowledge(Acknowledgments.of(
                        "AwsSolutions-AS3",
                        "The ECS capacity provider owns this group's size (it scales from and to zero with the"
                                + " work); its scaling is visible in ECS service events, and per-instance"
                                + " notifications would page on every batch of work."));
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
                        + " intrinsic); the launch template's root volume is encrypted gp3, asserted in GpuCapacityTest.");
    }

    Role instanceRole() {
        return instanceRole;
    }

    AutoScalingGroup autoScalingGroup() {
        return autoScalingGroup;
    }

    AsgCapacityProvider capacityProvider() {
        return capacityProvider;
    }
}
