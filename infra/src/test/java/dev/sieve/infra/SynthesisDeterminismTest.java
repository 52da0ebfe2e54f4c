package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The template is a function of the code and the context only, so {@code cdk diff} shows nothing after a
 * change that changes nothing. {@code Map.of} with two or more entries iterates in an order that depends on
 * a per-JVM salt, and CDK writes a map's order into lists (an alarm's metrics, a dashboard's metric arrays,
 * dimensions): the same code then synthesizes a different template in the next JVM. Two synths in one JVM
 * share the salt, so the comparison runs a second JVM.
 */
class SynthesisDeterminismTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();

    @Test
    void synth_inAnotherJvm_isTheSameTemplate() throws IOException, InterruptedException {
        Path out = Files.createTempFile("sieve-template", ".json");
        Process child = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx1g",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SynthesizedSieve.class.getName(),
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("sieve-template", ".log").toFile())
                .start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES))
                .as("second synth finished")
                .isTrue();
        assertThat(child.exitValue()).as("second synth's exit code").isZero();

        JsonNode here = SynthesizedSieve.JSON.valueToTree(TEMPLATE.toJSON());
        JsonNode there = SynthesizedSieve.JSON.readTree(out.toFile());
        // objects compare without key order (as CloudFormation reads them), lists and strings in order
        assertThat(firstDifference("", here, there)).as("first difference").isEmpty();
    }

    @Test
    void routingDriftAlarm_listsItsMetricsInTheOrderWritten() {
        List<String> ids = properties(TEMPLATE, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a ->
                        a.get("Metrics") != null && a.get("Metrics").toString().contains("escalated"))
                .flatMap(a -> list(a.get("Metrics")).stream())
                .filter(m -> map(m).get("MetricStat") != null)
                .map(m -> (String) map(m).get("Id"))
                .toList();
        assertThat(ids).containsExactly("escalated", "expected");
    }

    @Test
    void dashboard_writesDimensionsInTheOrderWritten() {
        String body = LeastPrivilegeTest.render(properties(TEMPLATE, "AWS::CloudWatch::Dashboard")
                .values()
                .iterator()
                .next()
                .get("DashboardBody"));
        assertThat(body).containsPattern("\"ApiId\",\"[A-Za-z0-9]+\",\"Stage\",\"\\$default\"");
        assertThat(body).containsPattern("\"ClusterName\",\"[A-Za-z0-9]+\",\"ServiceName\",");
    }

    /** The JSON path of the first difference between two templates, or "" when they are equal. */
    private static String firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return "";
        }
        if (a.isObject() && b.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(n -> {
                if (!a.has(n)) {
                    names.add(n);
                }
            });
            for (String name : names) {
                String difference = firstDifference(path + "/" + name, a.path(name), b.path(name));
                if (!difference.isEmpty()) {
                    return difference;
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> left = a.elements();
            Iterator<JsonNode> right = b.elements();
            for (int i = 0; left.hasNext(); i++) {
                String difference = firstDifference(path + "/" + i, left.next(), right.next());
                if (!difference.isEmpty()) {
                    return difference;
                }
            }
        }
        return path + ": " + abbreviate(a) + " vs " + abbreviate(b);
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
