package dev.sieve.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three claims of issue 15's "Done means", over the real synthesized template. */
class ScalingSimulatorTest {

    private static final ScalingTemplate TEMPLATE = ScalingTemplate.parse(SynthesizedTemplate.JSON);
    private static final ScalingSimulator SIMULATOR = new ScalingSimulator(TEMPLATE, ScalingSimulator.Options.DEFAULTS);
    private static final ScalingSimulator.Result DAY = SIMULATOR.run(Trace.builtInDay());

    @Test
    void run_whenOneMessageArrivesAfterAQuietNight_startsExactlyOneTask() {
        Map<String, Object> summary = DAY.summary();

        assertThat(summary.get("tasks_started_after_quiet_night")).isEqualTo(1L);
        // It was woken: the single item was processed, so its wait is in the day's waits and the fleet ran.
        assertThat(DAY.ticks().subList(Trace.SINGLE_MESSAGE_MINUTE, DAY.ticks().size()))
                .anyMatch(t -> t.running() == 1);
    }

    @Test
    void run_whenTheRateIsSteady_convergesToCeilOfMessagesPerMinuteOverTargetWithoutOscillating() {
        Map<String, Object> summary = DAY.summary();
        // 24 items/s of 25-item messages: 58 messages a minute, target 20 per task: ceil(58 / 20) = 3 of max 4.
        int expected = (int) Math.ceil(Math.ceil(Trace.PLATEAU_ITEMS_PER_SECOND * 60 / 25) / TEMPLATE.targetValue());

        assertThat(summary.get("expected_converged_tasks")).isEqualTo(expected);
        assertThat(expected).isBetween(2, TEMPLATE.maxCapacity() - 1);
        assertThat(summary.get("converged_tasks")).isEqualTo(expected);
        assertThat(summary.get("oscillations")).isEqualTo(0);
    }

    @Test
    void run_whenAConstantRateNeedsMoreThanTheMaximum_settlesAtTheMaximum() {
        Map<String, Object> summary = SIMULATOR.run(Trace.constant(200, 180)).summary();

        assertThat(summary.get("converged_tasks")).isEqualTo(TEMPLATE.maxCapacity());
        assertThat(summary.get("oscillations")).isEqualTo(0);
    }

    @Test
    void run_whenTrafficStops_returnsTheFleetToZeroAfterTheScaleInAlarmsQuietPeriod() {
        Object after = DAY.summary().get("returned_to_zero_after_s");
        // The scale-in alarm needs 15 one-minute datapoints below 90 % of the target, one more minute for the
        // newest datapoint to be published; the item itself waits for its queue's metrics and a fresh instance.
        int quietPeriodSeconds = (ScalingSimulator.LOW_DATAPOINTS + 1) * 60;

        assertThat(after).isInstanceOf(Integer.class);
        assertThat((Integer) after).isGreaterThanOrEqualTo(quietPeriodSeconds);
        assertThat((Integer) after)
                .isLessThanOrEqualTo(quietPeriodSeconds
                        + 15 * 60
                        + ScalingSimulator.Options.DEFAULTS.instanceBootSeconds()
                        + ScalingSimulator.Options.DEFAULTS.imagePullSeconds()
                        + 3 * 60);
        assertThat(DAY.ticks().get(DAY.ticks().size() - 1).instances()).isZero();
    }

    @Test
    void parse_readsThePoliciesAndTheWakeAlarmOfTheTemplate() {
        assertThat(TEMPLATE.minCapacity()).isZero();
        assertThat(TEMPLATE.targetValue()).isPositive();
        assertThat(TEMPLATE.scaleInCooldownSeconds()).isPositive();
        assertThat(TEMPLATE.backlog().queueSeriesFilled()).isTrue();
        assertThat(TEMPLATE.backlog().divisorMetric()).isEqualTo("DesiredTaskCount");
        assertThat(TEMPLATE.wake().queueSeriesFilled()).isTrue();
        assertThat(TEMPLATE.wake().adjustmentType()).isEqualTo("ExactCapacity");
        assertThat(TEMPLATE.wake().adjustment()).isEqualTo(1);
    }
}
