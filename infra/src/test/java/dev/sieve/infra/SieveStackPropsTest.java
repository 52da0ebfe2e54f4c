package dev.sieve.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.shared.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SieveStackPropsTest {
    private static final Path JAR = Path.of("gate.jar");
    private static final WorkerImageSource IMAGE = new WorkerImageSource(Path.of("."), "Dockerfile", List.of());

    private static SieveStackProps read(Map<String, Object> context) {
        return SieveStackProps.fromContext(context::get, JAR, JAR, IMAGE);
    }

    @Test
    void fromContext_whenEmpty_usesSafeDefaults() {
        SieveStackProps props = read(Map.of());
        assertThat(props.authorizer()).isEqualTo(SieveStackProps.Authorizer.IAM);
        assertThat(props.instanceTypes()).containsExactly("g6.xlarge", "g5.xlarge", "g4dn.xlarge");
        assertThat(props.onDemandBaseCapacity()).isZero();
        assertThat(props.retainData()).isTrue();
        assertThat(props.metricsNamespace()).isEqualTo("Sieve");
        assertThat(props.natGateways()).isEqualTo(1);
        assertThat(props.kmsKey()).as("AWS-managed keys").isNull();
    }

    @Test
    void fromContext_kmsKey_acceptsCreateAndKeyArns() {
        assertThat(read(Map.of("kmsKey", "create")).kmsKey()).isEqualTo(DataKey.CREATE);
        assertThat(read(Map.of("kmsKey", SynthesizedSieve.IMPORTED_KEY_ARN)).kmsKey())
                .isEqualTo(SynthesizedSieve.IMPORTED_KEY_ARN);
        String multiRegion = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
        assertThat(read(Map.of("kmsKey", multiRegion)).kmsKey()).isEqualTo(multiRegion);
    }

    @Test
    void fromContext_kmsKey_whenAnAliasOrSomethingElse_saysWhatIsAllowed() {
        for (String wrong : List.of("arn:aws:kms:eu-west-1:111122223333:alias/sieve", "yes", "1234abcd")) {
            assertThatThrownBy(() -> read(Map.of("kmsKey", wrong)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("kmsKey='" + wrong + "'")
                    .hasMessageContaining("'create'")
                    .hasMessageContaining("not an alias");
        }
    }

    @Test
    void fromContext_whenValuesComeFromCdkJsonTypes_acceptsNumbersBooleansAndArrays() {
        SieveStackProps props = read(Map.of(
                "maxWorkers",
                8,
                "retainData",
                false,
                "instanceTypes",
                List.of("g6.xlarge"),
                "gpuInstanceHourlyUsd",
                0.35));
        assertThat(props.maxWorkers()).isEqualTo(8);
        assertThat(props.retainData()).isFalse();
        assertThat(props.instanceTypes()).containsExactly("g6.xlarge");
        assertThat(props.gpuInstanceHourlyUsd()).isEqualTo(0.35);
    }

    @Test
    void fromContext_whenJwtWithoutIssuer_namesTheMissingSettings() {
        assertThatThrownBy(() -> read(Map.of("authorizer", "jwt")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jwtIssuer")
                .hasMessageContaining("jwtAudience");
    }

    @Test
    void fromContext_whenAuthorizerUnknown_listsTheAllowedValues() {
        assertThatThrownBy(() -> read(Map.of("authorizer", "none")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("authorizer='none'")
                .hasMessageContaining("iam, jwt");
    }

    @Test
    void fromContext_whenNumberIsNotANumber_saysWhichKeyAndTheRange() {
        assertThatThrownBy(() -> read(Map.of("maxWorkers", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("maxWorkers='many'")
                .hasMessageContaining("1..1000");
    }

    @Test
    void fromContext_whenInstanceTypeIsMalformed_rejectsIt() {
        assertThatThrownBy(() -> read(Map.of("instanceTypes", "g6.xlarge,big gpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'big gpu'");
    }

    @Test
    void fromContext_whenOnDemandBaseExceedsMaxWorkers_rejectsIt() {
        assertThatThrownBy(() -> read(Map.of("onDemandBaseCapacity", 5, "maxWorkers", 2)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("onDemandBaseCapacity=5");
    }

    @Test
    void fromContext_whenDrainGraceLeavesNoMarginBeforeTheStopTimeout_rejectsIt() {
        assertThatThrownBy(() -> read(Map.of("drainGraceSeconds", 115)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("drainGraceSeconds=115");
    }

    @Test
    void fromContext_whenLogRetentionIsNotACloudWatchValue_listsTheAllowedOnes() {
        assertThatThrownBy(() -> read(Map.of("logRetentionDays", 31)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("logRetentionDays=31")
                .hasMessageContaining("30");
    }

    @Test
    void fromContext_dedicatedTenants_defaultToNoneAndOneWarmWorkerOfTwo() {
        SieveStackProps props = read(Map.of());
        assertThat(props.dedicatedTenants()).isEmpty();
        assertThat(props.laneMinWorkers()).isEqualTo(1);
        assertThat(props.laneMaxWorkers()).isEqualTo(2);
        assertThat(read(Map.of("dedicatedTenants", List.of("acme", "bank.eu"))).dedicatedTenants())
                .containsExactly("acme", "bank.eu");
    }

    @Test
    void fromContext_whenADedicatedTenantIsNotATenantName_saysWhatANameMayBe() {
        assertThatThrownBy(() -> read(Map.of("dedicatedTenants", "acme,a/b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedicatedTenants contains 'a/b'")
                .hasMessageContaining("letters, digits");
    }

    @Test
    void fromContext_whenTwoDedicatedTenantsWouldShareResourceNames_namesBoth() {
        assertThatThrownBy(() -> read(Map.of("dedicatedTenants", "bank.eu,bank-eu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'bank.eu' and 'bank-eu'");
    }

    @Test
    void fromContext_whenLaneMinExceedsLaneMax_orTooManyLanes_saysWhatIsAllowed() {
        assertThatThrownBy(() -> read(Map.of("dedicatedTenants", "acme", "laneMinWorkers", 3, "laneMaxWorkers", 2)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("laneMinWorkers=3")
                .hasMessageContaining("allowed 0..2");
        assertThatThrownBy(() -> read(Map.of("dedicatedTenants", "a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at most 10");
    }
}
