package dev.sieve.gate.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.gate.model.GateScorer;
import dev.sieve.gate.model.GateThresholds;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.metrics.MetricNames;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingMonitorTest {
    private static final List<String> LABELS = List.of("ham", "spam");

    /** "ham ..." is confident ham, "spam ..." confident spam, anything else a spam guess below 0.9. */
    private static final GateScorer SCORER = new GateScorer() {
        @Override
        public List<String> labels() {
            return LABELS;
        }

        @Override
        public void score(CharSequence text, float[] probabilities) {
            String s = text.toString();
            float spam = s.startsWith("ham") ? 0.02f : s.startsWith("spam") ? 0.98f : 0.6f;
            probabilities[0] = 1 - spam;
            probabilities[1] = spam;
        }
    };

    private final List<String> lines = new ArrayList<>();
    private final RoutingMonitor monitor =
            new RoutingMonitor(EmfMetrics.to("Sieve", Map.of("service", "gate"), lines::add, Clock.systemUTC()));

    private static LoadedGate gate(String version) {
        GateThresholds thresholds = new GateThresholds(
                LABELS,
                Map.of("ham", 0.9, "spam", 0.9),
                Map.of(
                        GateThresholds.CALIBRATED_ROUTING_RATE,
                        0.10,
                        GateThresholds.CALIBRATED_ROUTING_RATE_PER_CLASS,
                        Map.of("ham", 0.0, "spam", 0.25)));
        return new LoadedGate(SCORER, thresholds, version);
    }

    private void send(LoadedGate gate, int confidentHam, int confidentSpam, int unsure) {
        RoutingMonitor.Tally tally = monitor.tally(gate);
        for (int i = 0; i < confidentHam; i++) {
            tally.add(gate.judge("ham " + i));
        }
        for (int i = 0; i < confidentSpam; i++) {
            tally.add(gate.judge("spam " + i));
        }
        for (int i = 0; i < unsure; i++) {
            tally.add(gate.judge("hello " + i));
        }
        monitor.record(tally);
    }

    @Test
    void record_whenRoutingMatchesCalibration_staysInBandAndEmitsExpectedEscalations() throws Exception {
        LoadedGate gate = gate("v1");
        for (int request = 0; request < 10; request++) {
            send(gate, 60, 30, 10);
        }

        RoutingMonitor.Figures figures = monitor.snapshot();
        assertThat(figures.items()).isEqualTo(1000);
        assertThat(figures.routingRate()).isEqualTo(0.10);
        assertThat(figures.inBand()).isTrue();
        assertThat(figures.perClass().get("spam").routingRate()).isEqualTo(0.25);
        assertThat(monitor.windows()).containsExactly(1, 0);
        JsonNode last = Json.mapper().readTree(lines.getLast());
        assertThat(last.get(MetricNames.ESCALATED_ITEMS).asDouble()).isEqualTo(10);
        assertThat(last.get(MetricNames.EXPECTED_ESCALATED_ITEMS).asDouble()).isEqualTo(10);
        assertThat(last.get(MetricNames.GATE_ITEMS).asDouble()).isEqualTo(100);
    }

    @Test
    void record_whenTrafficShiftsSoAlmostEverythingIsEscalated_marksTheWindowOutOfBand() {
        LoadedGate gate = gate("v1");
        for (int request = 0; request < 10; request++) {
            send(gate, 0, 1, 99);
        }

        RoutingMonitor.Figures figures = monitor.snapshot();
        assertThat(figures.routingRate()).isEqualTo(0.99);
        assertThat(figures.inBand()).isFalse();
        assertThat(figures.perClass().get("spam").inBand()).isFalse();
        assertThat(monitor.windows()).containsExactly(1, 1);
        assertThat(figures.asLog())
                .containsEntry("routing_rate", 0.99)
                .containsEntry("calibrated_routing_rate", 0.1)
                .containsEntry("routing_in_band", false);
    }

    @Test
    void record_whenTheBundleVersionChanges_startsCountingAgain() {
        send(gate("v1"), 0, 0, 500);
        send(gate("v2"), 90, 0, 10);

        RoutingMonitor.Figures figures = monitor.snapshot();
        assertThat(figures.bundleVersion()).isEqualTo("v2");
        assertThat(figures.items()).isEqualTo(100);
        assertThat(monitor.windows()).containsExactly(0, 0);
    }

    @Test
    void inBand_isWithinTwiceOrHalfTheCalibratedRate_orTwoPointsOfIt() {
        assertThat(RoutingMonitor.inBand(0.19, 0.10)).isTrue();
        assertThat(RoutingMonitor.inBand(0.21, 0.10)).isFalse();
        assertThat(RoutingMonitor.inBand(0.04, 0.10)).isFalse();
        assertThat(RoutingMonitor.inBand(0.02, 0.005)).isTrue();
        assertThat(RoutingMonitor.inBand(0.0, 0.0)).isTrue();
    }
}
