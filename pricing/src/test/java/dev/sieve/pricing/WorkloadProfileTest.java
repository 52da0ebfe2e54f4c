package dev.sieve.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sieve.pricing.WorkloadProfile.Mode;
import dev.sieve.pricing.WorkloadProfile.ResultSink;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkloadProfileTest {

    @Test
    void defaults_batchChunks_areWhatTheGateCuts() {
        assertThat(WorkloadProfile.defaults().batchChunkItems())
                .isEqualTo(dev.sieve.shared.config.ResourceDefaults.BATCH_CHUNK_ITEMS);
        assertThat(WorkloadProfile.defaults().batchChunkBytes())
                .isEqualTo(dev.sieve.shared.config.ResourceDefaults.BATCH_CHUNK_BYTES);
    }

    @Test
    void defaults_transientObjectDays_isWhatTheStacksLifecycleRulesDeploy() {
        assertThat(WorkloadProfile.defaults().transientObjectDays())
                .isEqualTo(dev.sieve.shared.config.ResourceDefaults.TRANSIENT_OBJECT_DAYS);
        // the example profile leaves it out, so it follows the stack
        assertThat(WorkloadProfile.load(Path.of("profiles/spamassassin-batch-1b.json"))
                        .transientObjectDays())
                .isEqualTo(dev.sieve.shared.config.ResourceDefaults.TRANSIENT_OBJECT_DAYS);
    }

    @Test
    void fromJson_whenFieldsLeftOut_keepsDefaults() {
        WorkloadProfile p = WorkloadProfile.fromJson("{\"expert_rate\": 0.08}");
        assertThat(p.expertRate()).isEqualTo(0.08);
        assertThat(p.itemsPerDay()).isEqualTo(WorkloadProfile.defaults().itemsPerDay());
        assertThat(p.batchResultSink()).isEqualTo(ResultSink.S3_PART_FILES);
    }

    @Test
    void load_whenExampleProfile_isBatchOneBillionAtTheMeasuredSpamAssassinRate() {
        WorkloadProfile p = WorkloadProfile.load(Path.of("profiles/spamassassin-batch-1b.json"));
        assertThat(p.itemsPerDay()).isEqualTo(1e9);
        assertThat(p.modeMix().share(Mode.BATCH)).isEqualTo(1.0);
        assertThat(p.expertRate()).isEqualTo(0.0879);
    }

    @Test
    void fromJson_whenModeMixObject_readsShares() {
        WorkloadProfile p = WorkloadProfile.fromJson("{\"mode_mix\": {\"realtime\": 0.25, \"batch\": 0.75}}");
        assertThat(p.modeMix().realtime()).isEqualTo(0.25);
        assertThat(p.modeMix().async()).isZero();
        assertThat(p.modeMix().batch()).isEqualTo(0.75);
    }

    @Test
    void fromJson_whenRateAboveOne_failsNamingFieldAndRange() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"expert_rate\": 1.5}"))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessage("expert_rate must be between 0 and 1 (got 1.5)");
    }

    @Test
    void fromJson_whenRateNegative_failsNamingFieldAndRange() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"expert_rate\": -0.1}"))
                .hasMessageContaining("expert_rate must be between 0 and 1");
    }

    @Test
    void fromJson_whenUnknownMode_failsListingAllowedModes() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"mode_mix\": {\"turbo\": 1}}"))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("unknown mode \"turbo\"")
                .hasMessageContaining("realtime, async, batch");
    }

    @Test
    void fromJson_whenSharesDoNotAddUp_fails() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"mode_mix\": {\"realtime\": 0.5, \"batch\": 0.2}}"))
                .hasMessageContaining("mode_mix shares must add up to 1");
    }

    @Test
    void fromJson_whenMalformed_failsWithLine() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"expert_rate\": 0.1,\n"))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void fromJson_whenUnknownField_failsNamingIt() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"exprt_rate\": 0.1}"))
                .hasMessageContaining("exprt_rate");
    }

    @Test
    void fromJson_whenWrongType_failsNamingField() {
        assertThatThrownBy(() -> WorkloadProfile.fromJson("{\"items_per_request\": \"many\"}"))
                .hasMessageContaining("items_per_request must be a whole number");
    }

    @Test
    void load_whenFileMissing_failsNamingFile() {
        assertThatThrownBy(() -> WorkloadProfile.load(Path.of("no-such-profile.json")))
                .isInstanceOf(InvalidPricingInputException.class)
                .hasMessageContaining("no-such-profile.json");
    }

    @Test
    void toBuilder_whenRebuilt_equalsOriginal() {
        WorkloadProfile p = WorkloadProfile.fromJson("{\"expert_rate\": 0.07, \"gate_architecture\": \"arm64\"}");
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }
}
