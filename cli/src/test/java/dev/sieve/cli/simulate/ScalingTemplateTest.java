package dev.sieve.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ScalingTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode template() throws Exception {
        return (ObjectNode) JSON.readTree(SynthesizedTemplate.JSON);
    }

    @Test
    void parse_whenTheWakeAlarmIsMissing_namesIt() throws Exception {
        ObjectNode t = template();
        ObjectNode resources = (ObjectNode) t.get("Resources");
        resources
                .properties()
                .removeIf(e -> e.getValue().path("Properties").has("AlarmActions")
                        && e.getValue()
                                .path("Properties")
                                .path("AlarmDescription")
                                .asText()
                                .contains("no GPU worker"));

        assertThatThrownBy(() -> ScalingTemplate.parse(t.toString()))
                .isInstanceOf(ScalingTemplate.TemplateException.class)
                .hasMessageContaining("AWS::CloudWatch::Alarm")
                .hasMessageContaining("step policy");
    }

    @Test
    void parse_whenTheTargetValueIsMissing_namesTheField() throws Exception {
        ObjectNode t = template();
        t.get("Resources").forEach(r -> {
            if ("TargetTrackingScaling"
                    .equals(r.path("Properties").path("PolicyType").asText())) {
                ((ObjectNode) r.path("Properties").path("TargetTrackingScalingPolicyConfiguration"))
                        .remove("TargetValue");
            }
        });

        assertThatThrownBy(() -> ScalingTemplate.parse(t.toString()))
                .isInstanceOf(ScalingTemplate.TemplateException.class)
                .hasMessageContaining("TargetValue");
    }

    @Test
    void parse_whenAQueueSeriesIsNotFilled_recordsIt() throws Exception {
        String unfilled = SynthesizedTemplate.JSON.replace(
                "FILL(visible0, 0) + FILL(visible1, 0)", "visible0 + FILL(visible1, 0)");

        ScalingTemplate parsed = ScalingTemplate.parse(unfilled);

        assertThat(parsed.wake().queueSeriesFilled()).isFalse();
    }

    @Test
    void parse_withDedicatedLanes_readsTheSharedServiceThatWakesFromZero() {
        ScalingTemplate shared = ScalingTemplate.parse(SynthesizedTemplate.JSON);
        ScalingTemplate withLanes = ScalingTemplate.parse(SynthesizedTemplate.withLanes());
        assertThat(withLanes.minCapacity()).isZero();
        assertThat(withLanes.maxCapacity()).isEqualTo(shared.maxCapacity());
        assertThat(withLanes.backlog().queueSeriesIds()).hasSize(6); // 3 shared queues x (visible, in flight)
        assertThat(withLanes.wake()).isEqualTo(shared.wake());
    }
}
