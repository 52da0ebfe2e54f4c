package dev.sieve.infra;

import static dev.sieve.infra.Templates.list;
import static dev.sieve.infra.Templates.map;
import static dev.sieve.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.queue.Priority;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Function;

/** The scheduled reaper (issue 11, item 3): its rule, its function, its environment and its alarms. */
class ReaperFunctionTest {
    private static final Template TEMPLATE = SynthesizedSieve.DEFAULT.template();
    private static final SieveStack STACK = SynthesizedSieve.DEFAULT.stack();
    private static final Function REAPER = STACK.gate().reaperFunction();

    @Test
    void schedule_invokesTheReaperFunctionEveryFiveMinutes_andMayInvokeNothingElse() {
        Map<String, Map<String, Object>> rules = properties(TEMPLATE, "AWS::Events::Rule");
        assertThat(rules).hasSize(1);
        Map<String, Object> rule =
                rules.get(SynthesizedSieve.logicalId(STACK.gate().reaperSchedule()));
        assertThat(rule).containsEntry("ScheduleExpression", "rate(5 minutes)").containsEntry("State", "ENABLED");
        List<Object> targets = list(rule.get("Targets"));
        assertThat(targets).hasSize(1);
        assertThat(Templates.referencedId(map(targets.get(0)).get("Arn")))
                .isEqualTo(SynthesizedSieve.logicalId(REAPER));
        // EventBridge may invoke the function, and only from this rule
        assertThat(properties(TEMPLATE, "AWS::Lambda::Permission").values())
                .filteredOn(p -> "events.amazonaws.com".equals(p.get("Principal")))
                .singleElement()
                .satisfies(p -> {
                    assertThat(Templates.referencedId(p.get("FunctionName")))
                            .isEqualTo(SynthesizedSieve.logicalId(REAPER));
                    assertThat(Templates.referencedId(p.get("SourceArn")))
                            .isEqualTo(SynthesizedSieve.logicalId(STACK.gate().reaperSchedule()));
                });
    }

    @Test
    void function_runsTheReaperHandler_finishesBeforeTheNextTick_andIsNotRetried() {
        Map<String, Object> function = GateApiTest.function(REAPER);
        assertThat(function)
                .containsEntry("Handler", ReaperFunction.HANDLER)
                .containsEntry("Runtime", "java21")
                .doesNotContainKey("SnapStart");
        assertThat((Integer) function.get("Timeout")).isLessThan(ReaperFunction.SCHEDULE_MINUTES * 60);
        assertThat(properties(TEMPLATE, "AWS::Lambda::EventInvokeConfig").values())
                .filteredOn(
                        c -> SynthesizedSieve.logicalId(REAPER).equals(Templates.referencedId(c.get("FunctionName"))))
                .singleElement()
                .satisfies(c -> assertThat(c).containsEntry("MaximumRetryAttempts", 0));
    }

    @Test
    void environment_isWhatTheHandlerReads_withEveryDeadLetterQueueButTheFailedEventQueue() {
        Map<String, Object> env =
                map(map(GateApiTest.function(REAPER).get("Environment")).get("Variables"));
        assertThat(env)
                .containsOnlyKeys(
                        EnvironmentVariables.TABLE_NAME,
                        EnvironmentVariables.BUCKET_NAME,
                        EnvironmentVariables.METRICS_NAMESPACE,
                        EnvironmentVariables.DEAD_LETTER_QUEUE_URLS);
        assertThat(Templates.referencedId(env.get(EnvironmentVariables.TABLE_NAME)))
                .isEqualTo(SynthesizedSieve.logicalId(STACK.storage().table()));
        List<Object> join =
                list(map(env.get(EnvironmentVariables.DEAD_LETTER_QUEUE_URLS)).get("Fn::Join"));
        assertThat(join.get(0)).isEqualTo(",");
        List<String> queues =
                list(join.get(1)).stream().map(Templates::referencedId).toList();
        assertThat(queues)
                .containsExactly(
                        SynthesizedSieve.logicalId(STACK.queues().deadLetterQueue(Priority.REALTIME)),
                        SynthesizedSieve.logicalId(STACK.queues().deadLetterQueue(Priority.ASYNC)),
                        SynthesizedSieve.logicalId(STACK.queues().deadLetterQueue(Priority.BATCH)),
                        SynthesizedSieve.logicalId(STACK.queues().jobsDeadLetterQueue()))
                .doesNotContain(SynthesizedSieve.logicalId(STACK.gate().batchEventDeadLetterQueue()));
    }

    @Test
    void alarms_reportAFailedRun_andARuleThatStoppedRunning() {
        String reaper = SynthesizedSieve.logicalId(REAPER);
        List<Map<String, Object>> onReaper = properties(TEMPLATE, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> "AWS/Lambda".equals(a.get("Namespace"))
                        && String.valueOf(a.get("Dimensions")).contains(reaper))
                .toList();
        assertThat(onReaper)
                .anySatisfy(a -> assertThat(a)
                        .containsEntry("MetricName", "Errors")
                        .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold"))
                .anySatisfy(a -> assertThat(a)
                        .containsEntry("MetricName", "Invocations")
                        .containsEntry("ComparisonOperator", "LessThanThreshold")
                        .containsEntry("Threshold", 1)
                        .containsEntry("Period", 3 * ReaperFunction.SCHEDULE_MINUTES * 60)
                        .containsEntry("TreatMissingData", "breaching"));
        assertThat(TEMPLATE.findOutputs("*").keySet()).contains("ReaperRuleName", "DeadLetterQueueArns");
    }
}
