package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

class LogicalIdsTest {
    private static final SieveStack STACK = SynthesizedSieve.DEFAULT.stack();

    /**
     * Resources a rename would replace in a deployed stack, with the logical ids they had before the worker
     * tier and the gate were cut into concerns (read from that synthesized template). Data (table, buckets,
     * queues) would be lost or emptied; the API would get a new URL; a new stage, alias or scalable target
     * would collide with the old one's fixed name or resource id while both exist.
     */
    private static final Map<String, String> KEPT = Map.ofEntries(
            Map.entry("StorageTableB43FDCE7", "AWS::DynamoDB::Table"),
            Map.entry("StorageDataBucketB1B922FA", "AWS::S3::Bucket"),
            Map.entry("StorageAccessLogBucket76E80A12", "AWS::S3::Bucket"),
            Map.entry("QueuesRealtimeQueue658342ED", "AWS::SQS::Queue"),
            Map.entry("QueuesJobsQueueED92C26D", "AWS::SQS::Queue"),
            Map.entry("GateBatchEventDeadLetterQueue8B54C7C6", "AWS::SQS::Queue"),
            Map.entry("GateHttpApi9EB59D51", "AWS::ApiGatewayV2::Api"),
            Map.entry("GateDefaultStage21272515", "AWS::ApiGatewayV2::Stage"),
            Map.entry("GateAccessLogs532E094A", "AWS::Logs::LogGroup"),
            Map.entry("GateGateFunctionFE6F5C9D", "AWS::Lambda::Function"),
            Map.entry("GateGateFunctionRole49DCA25E", "AWS::IAM::Role"),
            Map.entry("GateGateLiveAliasC6CF1FC7", "AWS::Lambda::Alias"),
            Map.entry("GateBatchJobFunction1AFBDB89", "AWS::Lambda::Function"),
            Map.entry("GateBatchJobFunctionRole43B0ABF1", "AWS::IAM::Role"),
            Map.entry("WorkerCluster89E4DD17", "AWS::ECS::Cluster"),
            Map.entry("WorkerInstanceRole03ED0B27", "AWS::IAM::Role"),
            Map.entry("WorkerLaunchTemplateCB68F8E3", "AWS::EC2::LaunchTemplate"),
            Map.entry("WorkerCapacityASG2A20096A", "AWS::AutoScaling::AutoScalingGroup"),
            Map.entry("WorkerCapacityProvider8AC81410", "AWS::ECS::CapacityProvider"),
            Map.entry("WorkerLogs4B5B6506", "AWS::Logs::LogGroup"),
            Map.entry("WorkerTaskDefinitionC7EEADA6", "AWS::ECS::TaskDefinition"),
            Map.entry("WorkerTaskDefinitionTaskRoleDCDA51F5", "AWS::IAM::Role"),
            Map.entry("WorkerService3F60922A", "AWS::ECS::Service"),
            Map.entry("WorkerScalableTarget0A2839D1", "AWS::ApplicationAutoScaling::ScalableTarget"));

    @Test
    void allocate_outsideConcerns_givesCdksOwnLogicalId() {
        List<CfnElement> outside = elements(false);
        assertThat(outside).hasSizeGreaterThan(50);
        outside.forEach(element -> assertThat(LogicalIds.allocate(STACK, element))
                .as(element.getNode().getPath())
                .isEqualTo(STACK.resolve(element.getLogicalId())));
    }

    @Test
    void resourcesUnderConcerns_haveTheLogicalIdOfTheirPathWithoutConcerns() {
        List<CfnElement> inside = elements(true);
        assertThat(inside).hasSizeGreaterThan(40);
        for (CfnElement element : inside) {
            Object id = STACK.resolve(element.getLogicalId());
            if (element instanceof CfnResource r && "AWS::Lambda::Version".equals(r.getCfnResourceType())) {
                // CDK appends a hash of the function's configuration: a new version on every change
                assertThat(id.toString())
                        .as(element.getNode().getPath())
                        .matches("GateHttpFunctionGateFunctionCurrentVersion[0-9A-F]{8}[0-9a-f]{32}");
                continue;
            }
            assertThat(id).as(element.getNode().getPath()).isEqualTo(LogicalIds.allocate(STACK, element));
        }
    }

    @Test
    void resourcesThatAReplaceWouldHurt_keepTheLogicalIdsTheyHadBeforeTheCut() {
        Map<String, String> types = new TreeMap<>();
        Map<String, Object> resources =
                Templates.map(SynthesizedSieve.DEFAULT.template().toJSON().get("Resources"));
        KEPT.keySet()
                .forEach(id -> types.put(
                        id,
                        resources.containsKey(id)
                                ? (String) Templates.map(resources.get(id)).get("Type")
                                : "(missing)"));
        assertThat(types).isEqualTo(new TreeMap<>(KEPT));
    }

    @Test
    void uniqueName_ofAChild_isCdksNameForThatPathWithoutConcerns() {
        // CDK's own names, read from the template synthesized before the cut
        assertThat(LogicalIds.uniqueName(STACK.worker(), "WakeFromZeroPolicy"))
                .isEqualTo("SieveWorkerWakeFromZeroPolicy1C612550");
        assertThat(LogicalIds.uniqueName(STACK.worker(), "TaskDefinition"))
                .isEqualTo("SieveWorkerTaskDefinition7A6552F1");
        assertThat(LogicalIds.path(STACK.worker().cluster())).isEqualTo("Sieve/Worker/Cluster");
    }

    private static List<CfnElement> elements(boolean underConcern) {
        List<CfnElement> out = new ArrayList<>();
        for (IConstruct construct : STACK.getNode().findAll()) {
            if (construct instanceof CfnElement element
                    && element.getNode().getScopes().stream().anyMatch(Concern.class::isInstance) == underConcern) {
                out.add(element);
            }
        }
        return out;
    }
}
