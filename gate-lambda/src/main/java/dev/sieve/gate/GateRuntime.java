package dev.sieve.gate;

import dev.sieve.contract.BundleLocator;
import dev.sieve.gate.api.ApiRoutes;
import dev.sieve.gate.batch.CompletionEvents;
import dev.sieve.gate.batch.JobService;
import dev.sieve.gate.batch.LogCompletionEvents;
import dev.sieve.gate.service.GateProvider;
import dev.sieve.gate.service.GateService;
import dev.sieve.gate.service.RoutingMonitor;
import dev.sieve.gate.tenant.DynamoDbQuotas;
import dev.sieve.gate.tenant.Quotas;
import dev.sieve.gate.tenant.TenantResolver;
import dev.sieve.shared.metrics.EmfMetrics;
import dev.sieve.shared.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Everything a gate process holds for its lifetime: configuration, AWS clients, the gate model and the
 * services built on them. Built once (in a handler's constructor, or by {@code sieve local}). In Lambda the
 * gate model is a {@link LazyGate}: initialization never fails for want of a bundle.
 */
public record GateRuntime(
        GateConfig config,
        AwsClients clients,
        GateProvider gate,
        GateService gateService,
        JobService jobService,
        RoutingMonitor routing,
        ApiRoutes routes)
        implements AutoCloseable {

    /** Lambda: configuration from the environment, clients from the SDK's standard environment. */
    public static GateRuntime fromEnvironment(Map<String, String> env) {
        GateConfig config = GateConfig.fromEnvironment(env);
        Metrics metrics = EmfMetrics.toStdout(config.metricsNamespace(), "gate");
        return lambda(config, AwsClients.forLambda(config), metrics, Clock.systemUTC());
    }

    /**
     * What a Lambda initializer builds, given its clients: the gate model is loaded lazily, so an empty
     * bucket (a first deploy) never fails initialization; requests are answered 503 {@code
     * model_not_loaded} until a bundle is published at {@code SIEVE_BUNDLE_URI}.
     */
    public static GateRuntime lambda(GateConfig config, AwsClients clients, Metrics metrics, Clock clock) {
        LazyGate gate = new LazyGate(
                config.bundleUri(),
                () -> GateLoading.load(BundleLocator.open(config.bundleUri(), clients.s3())),
                clock);
        gate.preload();
        return create(config, clients, gate, metrics, new LogCompletionEvents(metrics), clock);
    }

    /** In-process ({@code sieve local}, tests): the caller supplies clients and the gate. */
    public static GateRuntime create(
            GateConfig config,
            AwsClients clients,
            GateProvider gate,
            Metrics metrics,
            CompletionEvents events,
            Clock clock) {
        RoutingMonitor routing = new RoutingMonitor(metrics);
        Quotas quotas = new DynamoDbQuotas(clients.dynamoDb(), config.tableName(), config.tenants(), clock);
        GateService gateService = new GateService(config, gate, clients, metrics, routing, quotas, clock);
        JobService jobService = new JobService(config, gate, clients, events, routing, quotas, clock);
        return new GateRuntime(
                config,
                clients,
                gate,
                gateService,
                jobService,
                routing,
                new ApiRoutes(gateService, jobService, new TenantResolver(config.tenants()), openApi()));
    }

    /** The OpenAPI 3 document of the HTTP API (served at {@code GET /v1/openapi.json}). */
    public static String openApi() {
        try (InputStream in = GateRuntime.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the gate-lambda jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        clients.close();
    }
}
