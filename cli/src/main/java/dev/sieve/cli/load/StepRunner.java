package dev.sieve.cli.load;

import dev.sieve.cli.local.LocalSieve;
import dev.sieve.shared.tenant.Tenant;
import io.gatling.http.client.Request;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;

/** Runs one load step and collects what it needs: outcomes, validation counts, counted resource use. */
final class StepRunner implements AutoCloseable {

    /** What one step measured. */
    record Measured(
            List<LoadRecorder.Outcome> outcomes,
            long responses,
            long invalidResponses,
            String firstInvalid,
            double seconds,
            Map<String, Double> usage,
            long gateInvocations,
            double gateMillis,
            double gateCpuMillis,
            long outputBytes,
            long manifestBytes,
            Map<String, String> labels) {}

    private final URI baseUrl;
    private final UnaryOperator<Request> signer;
    private final ResponseValidator validator;
    private final List<LabeledItem> items;
    private final UsageCounter counter;
    private final LocalSieve local;
    private final GatlingRunner gatling;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong cursor = new AtomicLong();
    private final Map<String, String> labels;
    private final String bearer;
    private S3Client s3;
    private BatchDriver batch;

    /**
     * @param bearer the token batch jobs are started with (local mode), or null
     * @param local the system this process runs, or null for a deployed API (batch mode needs it)
     */
    StepRunner(
            URI baseUrl,
            UnaryOperator<Request> signer,
            String bearer,
            ResponseValidator validator,
            List<LabeledItem> items,
            UsageCounter counter,
            LocalSieve local,
            GatlingRunner gatling) {
        this.baseUrl = baseUrl;
        this.signer = signer;
        this.bearer = bearer;
        this.validator = validator;
        this.items = items;
        this.counter = counter;
        this.local = local;
        this.gatling = gatling;
        this.labels = new java.util.HashMap<>();
        items.forEach(item -> labels.put(item.id(), item.label()));
    }

    Measured run(Workload workload, int level, Duration duration, Duration settle) throws InterruptedException {
        LoadRecorder recorder = new LoadRecorder(validator);
        Map<String, Double> before = counter.snapshot();
        long invocationsBefore = local == null ? 0 : local.gateTime().invocations();
        double millisBefore = local == null ? 0 : local.gateTime().millis();
        double cpuBefore = local == null ? 0 : local.gateTime().cpuMillis();
        if (workload.mode() == Workload.Mode.BATCH) {
            batchDriver().run(workload, level, duration, settle, recorder);
        } else {
            runGatling(workload, level, duration, settle, recorder);
        }
        Map<String, Double> usage = UsageCounter.difference(before, counter.snapshot());
        return new Measured(
                recorder.outcomes(),
                recorder.responses(),
                recorder.invalidResponses(),
                recorder.firstInvalid(),
                recorder.wallSeconds(),
                usage,
                local == null ? 0 : local.gateTime().invocations() - invocationsBefore,
                local == null ? 0 : local.gateTime().millis() - millisBefore,
                local == null ? 0 : local.gateTime().cpuMillis() - cpuBefore,
                recorder.outputBytes(),
                recorder.manifestBytes(),
                labels);
    }

    private BatchDriver batchDriver() {
        if (local == null) {
            throw new IllegalStateException("--mode batch writes manifests to the local bucket; it needs local mode");
        }
        if (batch == null) {
            s3 = local.backend().s3().get(); // the counted client: the manifest PUT and output GET are billed too
            batch = new BatchDriver(
                    baseUrl,
                    bearer,
                    s3,
                    local.resources().bucketName(),
                    Tenant.of(LoadCommand.LOCAL_TENANT),
                    items,
                    sequence,
                    cursor);
        }
        return batch;
    }

    private void runGatling(Workload workload, int level, Duration duration, Duration settle, LoadRecorder recorder) {
        LoadSimulation.Plan plan = new LoadSimulation.Plan(
                baseUrl,
                workload,
                level,
                duration,
                settle,
                Duration.ofMillis(250),
                LoadCommand.feeder(items, workload, sequence, cursor, recorder),
                signer,
                recorder);
        // Gatling prints its progress to stdout, which LoadCommand has sent to stderr for the run.
        gatling.run(plan, workload.label() + " level " + level);
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }
}
