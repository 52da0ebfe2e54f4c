package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.shared.config.EnvironmentVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The events outbox as synthesized: stream, filter, failure path, alarms (its role's exact actions: {@link
 * LeastPrivilegeTest}).
 */
class SieveEventsOutboxTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();
    private static final SieveStack STACK = SynthesizedSieve.DEFAULT.stack();

    @Test
    void table_streamsNewAndOldImages() {
        TEMPLATE.hasResourceProperties(
                "AWS::DynamoDB::Table", Map.of("StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES")));
    }

    @Test
    void eventSource_reportsItemFailures_retriesBoundedly_andSendsWhatIsLeftToTheFailureQueue() {
        Map<String, Map<String, Object>> mappings = properties(TEMPLATE, "AWS::Lambda::EventSourceMapping");
        Map<String, Object> mapping = mappings.values().stream()
                .filter(m -> LeastPrivilegeTest.render(m.get("EventSourceArn")).contains("StreamArn"))
                .findFirst()
                .orElseThrow();
        assertThat(mapping)
                .containsEntry("StartingPosition", "TRIM_HORIZON")
                .containsEntry("BatchSize", SieveEventsOutbox.BATCH_SIZE)
                .containsEntry("MaximumRetryAttempts", SieveEventsOutbox.RETRY_ATTEMPTS)
                .containsEntry("MaximumRecordAgeInSeconds", SieveEventsOutbox.MAX_RECORD_AGE_HOURS * 3600)
                .containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"));
        Map<String, Object> onFailure =
                map(map(mapping.get("DestinationConfig")).get("OnFailure"));
        assertThat(LeastPrivilegeTest.render(onFailure.get("Destination")))
                .isEqualTo(SynthesizedSieve.logicalId(STACK.events().failureQueue()) + ".Arn");
    }

    @Test
    void filter_passesOnlyMetaRowsBecomingFinal() throws Exception {
        Map<String, Object> mapping = properties(TEMPLATE, "AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> LeastPrivilegeTest.render(m.get("EventSourceArn")).contains("StreamArn"))
                .findFirst()
                .orElseThrow();
        List<Object> filters = list(map(mapping.get("FilterCriteria")).get("Filters"));
        assertThat(filters).hasSize(2);
        JsonNode modify =
                SynthesizedSieve.JSON.readTree((String) map(filters.get(0)).get("Pattern"));
        assertThat(modify.at("/eventName/0").asText()).isEqualTo("MODIFY");
        assertThat(modify.at("/dynamodb/Keys/sk/S/0").asText()).isEqualTo("META");
        assertThat(modify.at("/dynamodb/NewImage/state/S").toString()).isEqualTo("[\"COMPLETE\",\"FAILED\"]");
        assertThat(modify.at("/dynamodb/OldImage/state/S/0/anything-but").toString())
                .isEqualTo("[\"COMPLETE\",\"FAILED\"]");
        JsonNode insert =
                SynthesizedSieve.JSON.readTree((String) map(filters.get(1)).get("Pattern"));
        assertThat(insert.at("/eventName/0").asText()).isEqualTo("INSERT");
        assertThat(insert.at("/dynamodb/NewImage/mode/S/0/anything-but/0").asText())
                .isEqualTo("realtime");
    }

    @Test
    void function_namesItsBus_andRunsTheEventsHandler() {
        Map<String, Object> fn = properties(TEMPLATE, "AWS::Lambda::Function")
                .get(SynthesizedSieve.logicalId(STACK.events().function()));
        assertThat(fn).containsEntry("Handler", SieveEventsOutbox.HANDLER);
        Map<String, Object> variables = map(map(fn.get("Environment")).get("Variables"));
        assertThat(variables.keySet()).containsExactlyInAnyOrderElementsOf(SieveEventsOutbox.ENVIRONMENT);
        assertThat(LeastPrivilegeTest.render(variables.get("SIEVE_EVENT_BUS_NAME")))
                .isEqualTo(SynthesizedSieve.logicalId(STACK.events().bus()));
    }

    @Test
    void alarms_coverErrorsIteratorAgeAndTheFailureQueue() {
        Map<String, Map<String, Object>> alarms = properties(TEMPLATE, "AWS::CloudWatch::Alarm");
        assertThat(alarms.values().stream().map(a -> String.valueOf(a.get("MetricName"))))
                .contains("IteratorAge", "ApproximateNumberOfMessagesVisible");
        assertThat(alarms.values().stream()
                        .filter(a -> "IteratorAge".equals(a.get("MetricName")))
                        .map(a -> a.get("Threshold")))
                .containsExactly(SieveEventsOutbox.ITERATOR_AGE_ALARM_MS);
        assertThat(alarms.keySet()).anyMatch(id -> id.startsWith("EventsFunctionErrors"));
    }

    @Test
    void outputs_nameTheBus() {
        assertThat(TEMPLATE.findOutputs("EventBusName")).hasSize(1);
        assertThat(TEMPLATE.findOutputs("EventBusArn")).hasSize(1);
    }

    /**
     * The handler string and the variables are those of the events module's sources (infra does not depend
     * on that module; the sources are what its jar is built from).
     */
    @Test
    void handlerAndEnvironment_matchTheEventsModulesSources() throws Exception {
        Path sources = Path.of("..", "events-lambda", "src", "main", "java", "dev", "sieve", "events");
        String handler = Files.readString(sources.resolve("EventsHandler.java"));
        assertThat(SieveEventsOutbox.HANDLER).isEqualTo("dev.sieve.events.EventsHandler::handleRequest");
        assertThat(handler)
                .contains("package dev.sieve.events;")
                .contains("public final class EventsHandler implements RequestHandler<DynamodbEvent,")
                .contains("public StreamsEventResponse handleRequest(");
        Matcher m = Pattern.compile("EnvironmentVariables\\.(\\w+)")
                .matcher(Files.readString(sources.resolve("EventsConfig.java")));
        Set<String> read = new TreeSet<>();
        while (m.find()) {
            read.add((String) EnvironmentVariables.class.getField(m.group(1)).get(null));
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(SieveEventsOutbox.ENVIRONMENT);
    }
}
