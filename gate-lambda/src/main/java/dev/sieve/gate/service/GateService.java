package dev.sieve.gate.service;

import dev.sieve.contract.AwsFailures;
import dev.sieve.contract.DynamoDbRequestStore;
import dev.sieve.contract.GateEntry;
import dev.sieve.contract.QueuePublisher;
import dev.sieve.contract.RequestState;
import dev.sieve.contract.RequestStore;
import dev.sieve.gate.AwsClients;
import dev.sieve.gate.GateConfig;
import dev.sieve.gate.tenant.QuotaExceededException;
import dev.sieve.gate.tenant.Quotas;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.metrics.MetricNames;
import dev.sieve.shared.metrics.Metrics;
import dev.sieve.shared.metrics.Metrics.Metric;
import dev.sieve.shared.mode.ModeSelector;
import dev.sieve.shared.mode.ModeSelector.Mode;
import dev.sieve.shared.queue.Priority;
import dev.sieve.shared.queue.QueueItem;
import dev.sieve.shared.result.BucketLayout;
import dev.sieve.shared.result.ItemResult;
import dev.sieve.shared.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * The API's behaviour, independent of how requests arrive: validate, choose the mode, score every
 * item with the gate, store the gate's answers, pack the uncertain items into queue messages and (in
 * real-time mode) wait for the expert within the latency budget.
 */
public final class GateService {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final long ASYNC_DEADLINE_MS = Duration.ofHours(1).toMillis();
    /** The real-time wait's first and longest pause between two reads of the result store. */
    static final long WAIT_FIRST_MS = 2;

    static final long WAIT_MAX_MS = 10;

    private final GateConfig config;
    private final GateProvider gate;
    private final AwsClients clients;
    private final Metrics metrics;
    private final RoutingMonitor routing;
    private final Clock clock;
    private final RequestValidator validator;
    private final ModeSelector modeSelector;
    private final QueuePublisher publisher;
    private final RequestStore store;
    private final Quotas quotas;

    public GateService(
            GateConfig config,
            GateProvider gate,
            AwsClients clients,
            Metrics metrics,
            RoutingMonitor routing,
            Quotas quotas,
            Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.routing = Objects.requireNonNull(routing, "routing");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validator = new RequestValidator(config.maxRequestItems());
        this.modeSelector = new ModeSelector(config.realtimeMaxItems(), GateConfig.REALTIME_MAX_BODY_BYTES);
        this.publisher = new QueuePublisher(clients.sqs(), clients.s3(), config.bucketName());
        this.store =
                new DynamoDbRequestStore(clients.dynamoDb(), clients.s3(), config.tableName(), config.bucketName());
    }

    /**
     * HTTP status and body of a classify call: 200 (real-time) or 202 (async); {@code replayed} when an
     * Idempotency-Key retry answers the request an earlier call created.
     */
    public record Outcome(int statusCode, RequestView view, boolean replayed) {
        Outcome(int statusCode, RequestView view) {
            this(statusCode, view, false);
        }
    }

    /** {@link #classify(Tenant, byte[], Optional)} without an Idempotency-Key. */
    public Outcome classify(Tenant tenant, byte[] body) {
        return classify(tenant, body, Optional.empty());
    }

    /**
     * Classifies one request of {@code tenant}: validated, counted against the tenant's quota (429 when
     * over it, before anything is stored), then stored under the tenant's keys.
     */
    public Outcome classify(Tenant tenant, byte[] body, Optional<IdempotencyKey> idempotencyKey) {
        long startNanos = System.nanoTime();
        if (body != null && body.length > GateConfig.MAX_BODY_BYTES) {
            throw new BodyTooLargeException(body.length, GateConfig.MAX_BODY_BYTES);
        }
        ClassifyRequest request = validator.parse(body);
        ModeSelector.Selection selection =
                modeSelector.select(body.length, request.items().size(), request.mode());
        LoadedGate current = gate.current(); // no model yet: 503 before anything is counted or stored
        String requestId = UUID.randomUUID().toString();
        if (idempotencyKey.isPresent()) {
            Optional<String> earlier =
                    idempotencyKey.get().claim(store, tenant, requestId, body, ttl(clock.instant()), "request");
            if (earlier.isPresent()) {
                requestId = earlier.get();
                Optional<Outcome> replay = replay(tenant, requestId);
                if (replay.isPresent()) {
                    return replay.get();
                }
                // The first call claimed the key and stopped before storing its request: store it now.
            }
        }
        quotas.admit(tenant, request.items().size());
        Accepted accepted = accept(current, tenant, requestId, request, selection, true);
        if (!accepted.stored()) {
            // A concurrent retry under the same key stored it first.
            String id = requestId;
            return replay(tenant, id).orElseThrow(() -> new IllegalStateException("request " + id + " vanished"));
        }
        if (selection.mode() == Mode.ASYNC) {
            record(tenant, selection.mode(), accepted, startNanos);
            return new Outcome(
                    202,
                    new RequestView(
                            requestId,
                            selection.mode().wireName(),
                            selection.reason(),
                            accepted.escalated() == 0 ? "complete" : "pending",
                            resultsUrl(requestId),
                            null,
                            null,
                            null,
                            null));
        }
        Map<String, ItemResult> expert = accepted.escalated() == 0
                ? Map.of()
                : awaitExpert(
                        tenant.scope(requestId),
                        startNanos
                                + Duration.ofMillis(config.realtimeBudgetMs()).toNanos());
        List<RequestView.ItemView> items = RequestView.merge(accepted.entries(), expert);
        RequestView.Counts counts = RequestView.count(items);
        record(tenant, selection.mode(), accepted, startNanos);
        return new Outcome(
                200,
                new RequestView(
                        requestId,
                        selection.mode().wireName(),
                        selection.reason(),
                        RequestView.status(counts),
                        resultsUrl(requestId),
                        counts,
                        items,
                        null,
                        null));
    }

    /**
     * Status and every item of one of {@code tenant}'s requests (gate and expert answers, pending items).
     * Another tenant's id reads another key and answers exactly as an unknown id.
     */
    /** The request's status and the first page of its items. */
    public RequestView results(Tenant tenant, String requestId) {
        return results(tenant, requestId, ResultsPage.first());
    }

    /** The request's status, counts over all its items, and the items of one {@link ResultsPage}. */
    public RequestView results(Tenant tenant, String requestId, ResultsPage page) {
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw new NotFoundException("no request with id '" + abbreviate(requestId) + "'");
        }
        RequestStore.Meta meta = store.meta(tenant.scope(requestId))
                .orElseThrow(() -> new NotFoundException("no request with id '" + requestId
                        + "' (unknown, or older than the " + config.resultsTtlDays() + "-day retention)"));
        return view(tenant, requestId, meta, page);
    }

    /** The view of a request whose META row is {@code meta}. */
    private RequestView view(Tenant tenant, String requestId, RequestStore.Meta meta, ResultsPage page) {
        String scoped = tenant.scope(requestId);
        if (meta.state() == RequestState.AWAITING_UPLOAD || meta.state() == RequestState.FAILED) {
            RequestView.ErrorView error =
                    meta.error() == null ? null : Json.read(meta.error(), RequestView.ErrorView.class);
            return new RequestView(
                    requestId,
                    meta.mode(),
                    meta.modeReason(),
                    meta.state() == RequestState.FAILED ? "failed" : "awaiting_upload",
                    resultsUrl(requestId),
                    null,
                    null,
                    error,
                    null);
        }
        List<GateEntry> entries = store.gateEntries(scoped);
        Map<String, ItemResult> expert = meta.expected() == 0 ? Map.of() : store.expertResults(scoped);
        List<RequestView.ItemView> items = RequestView.merge(entries, expert);
        RequestView.Counts counts = RequestView.count(items);
        int from = Math.min(items.size(), page.offset());
        int to = (int) Math.min(items.size(), (long) from + page.limit());
        return new RequestView(
                requestId,
                meta.mode(),
                meta.modeReason(),
                RequestView.status(counts),
                resultsUrl(requestId),
                counts,
                List.copyOf(items.subList(from, to)),
                null,
                page.nextCursor(items.size()));
    }

    /**
     * Hands out a presigned PUT for a body too large for the API; the S3 event processes it. The URL
     * writes only {@code uploads/<tenant>/<requestId>.json}, lives {@code SIEVE_UPLOAD_URL_TTL_S}, and
     * signs the {@code Content-Length} the caller announced ({@code content_length}, at most {@link
     * GateConfig#MAX_UPLOAD_BYTES}), so S3 refuses a body of any other size.
     */
    public UploadTicket createUpload(Tenant tenant, byte[] body) {
        long contentLength = UploadRequest.parse(body).contentLength();
        String requestId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        store.createAwaitingUpload(tenant.scope(requestId), now.toEpochMilli(), ttl(now));
        Duration lifetime = Duration.ofSeconds(config.uploadUrlTtlSeconds());
        PresignedPutObjectRequest presigned = clients.presigner()
                .presignPutObject(b -> b.signatureDuration(lifetime).putObjectRequest(p -> p.bucket(config.bucketName())
                        .key(BucketLayout.upload(tenant.scope(requestId)))
                        .contentLength(contentLength)));
        Map<String, String> headers = new java.util.TreeMap<>();
        presigned.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                headers.put(name, String.join(",", values));
            }
        });
        return new UploadTicket(
                requestId,
                presigned.url().toString(),
                "PUT",
                headers,
                now.plus(lifetime).toString(),
                resultsUrl(requestId));
    }

    /**
     * Processes an uploaded body ({@code uploads/<requestId>.json}) as an async request. A body that
     * breaks a rule marks the request FAILED with the field and rule; a redelivered event changes
     * nothing.
     */
    public void processUpload(String key) {
        if (!key.startsWith(BucketLayout.UPLOADS) || !key.endsWith(".json")) {
            throw new IllegalArgumentException("not an upload key: " + key);
        }
        String requestId = key.substring(BucketLayout.UPLOADS.length(), key.length() - ".json".length());
        Tenant tenant;
        try {
            tenant = Tenant.ofScoped(requestId);
        } catch (IllegalArgumentException e) {
            return; // not under uploads/<tenant>/: not handed out by us
        }
        RequestStore.Meta meta = store.meta(requestId).orElse(null);
        if (meta == null || meta.state() != RequestState.AWAITING_UPLOAD) {
            return; // not handed out by us, or already processed
        }
        long startNanos = System.nanoTime();
        byte[] body;
        try {
            long size = clients.s3()
                    .headObject(b -> b.bucket(config.bucketName()).key(key))
                    .contentLength();
            if (size > GateConfig.MAX_UPLOAD_BYTES) {
                store.fail(
                        requestId,
                        "invalid_request",
                        "body",
                        "uploaded body of " + size + " bytes exceeds the limit of " + GateConfig.MAX_UPLOAD_BYTES
                                + " bytes; use a batch manifest");
                return;
            }
            body = clients.s3()
                    .getObjectAsBytes(b -> b.bucket(config.bucketName()).key(key))
                    .asByteArray();
        } catch (NoSuchKeyException e) {
            return;
        } catch (SdkException e) {
            throw AwsFailures.classify("S3 GetObject", e);
        }
        ClassifyRequest request;
        try {
            request = validator.parse(body);
        } catch (InvalidRequestException e) {
            store.fail(requestId, "invalid_request", e.field(), e.rule());
            return;
        }
        LoadedGate current = gate.current();
        try {
            quotas.admit(tenant, request.items().size());
        } catch (QuotaExceededException e) {
            store.fail(requestId, "quota_exceeded", e.limit(), e.getMessage());
            return;
        }
        ModeSelector.Selection selection = new ModeSelector.Selection(Mode.ASYNC, "uploaded body");
        Accepted accepted = accept(current, tenant, Tenant.unscoped(requestId), request, selection, false);
        record(tenant, Mode.ASYNC, accepted, startNanos);
    }

    /** @param stored false when the request existed already (nothing was stored or queued) */
    private record Accepted(List<GateEntry> entries, int escalated, RoutingMonitor.Tally tally, boolean stored) {}

    /** The answer to a retry of an existing request: its current view, with the status its mode answers. */
    private Optional<Outcome> replay(Tenant tenant, String requestId) {
        return store.meta(tenant.scope(requestId)).map(meta -> {
            RequestView view = view(tenant, requestId, meta, ResultsPage.first());
            return new Outcome("async".equals(view.mode()) ? 202 : 200, view, true);
        });
    }

    /** Gates, stores (under the tenant's scoped id) and enqueues one request's items. */
    private Accepted accept(
            LoadedGate current,
            Tenant tenant,
            String publicRequestId,
            ClassifyRequest request,
            ModeSelector.Selection selection,
            boolean create) {
        List<ClassifyRequest.Item> items = request.items();
        String requestId = tenant.scope(publicRequestId);
        List<GateEntry> entries = new ArrayList<>(items.size());
        List<QueueItem> escalated = new ArrayList<>();
        RoutingMonitor.Tally tally = routing.tally(current);
        for (ClassifyRequest.Item item : items) {
            LoadedGate.Verdict verdict = current.judge(item.text());
            tally.add(verdict);
            entries.add(new GateEntry(item.id(), verdict.label(), verdict.confidence(), !verdict.confident()));
            if (!verdict.confident()) {
                escalated.add(QueueItem.of(item.id(), item.text(), verdict.probabilities()));
            }
        }
        Instant now = clock.instant();
        if (create) {
            if (!store.create(
                    requestId,
                    selection.mode().wireName(),
                    selection.reason(),
                    entries,
                    escalated.size(),
                    now.toEpochMilli(),
                    ttl(now))) {
                return new Accepted(entries, 0, routing.tally(current), false);
            }
        } else if (!store.startUploaded(requestId, entries, escalated.size())) {
            return new Accepted(entries, 0, routing.tally(current), false);
        }
        if (!escalated.isEmpty()) {
            boolean realtime = selection.mode() == Mode.REALTIME;
            Priority priority = realtime ? Priority.REALTIME : Priority.ASYNC;
            long deadline = now.toEpochMilli() + (realtime ? config.realtimeBudgetMs() : ASYNC_DEADLINE_MS);
            try {
                publisher.publishRequest(
                        realtime ? config.realtimeQueueUrl(tenant) : config.asyncQueueUrl(),
                        requestId,
                        priority,
                        deadline,
                        request.allowGateFallback(),
                        current.bundleVersion(),
                        now.toEpochMilli(),
                        escalated);
            } catch (RuntimeException e) {
                store.fail(requestId, "unavailable", "items", "could not be queued for the expert; retry the request");
                throw e;
            }
        }
        return new Accepted(entries, escalated.size(), tally, true);
    }

    /**
     * Waits for the expert's answers by reading the request's META row (a consistent GetItem, ~3 ms on
     * local mode) every {@link #WAIT_FIRST_MS} growing to {@link #WAIT_MAX_MS}: the answer is seen at
     * most that long after it is written. The 5 -> 50 ms doubling this replaced saw it ~20 ms late at
     * p50 ({@code sieve bench realtime}, stage {@code written_to_seen_by_gate}). A reply channel was the
     * other candidate: a Lambda instance cannot take a push, so it would be an SQS queue per gate
     * instance (created, found and deleted with the instance's life) plus a send by the worker and a
     * receive by the gate, each a round trip like this read; the tight poll costs one read per ~10 ms of
     * waiting (a real-time wait is bounded by its budget), has nothing to leak, and is what is measured.
     */
    private Map<String, ItemResult> awaitExpert(String requestId, long deadlineNanos) {
        long sleepMillis = WAIT_FIRST_MS;
        while (true) {
            RequestStore.Meta meta = store.meta(requestId).orElse(null);
            if (meta != null
                    && (meta.state() == RequestState.COMPLETE
                            || meta.state() == RequestState.FAILED
                            || meta.answered() >= meta.expected())) {
                break;
            }
            long remainingMillis =
                    Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
            if (remainingMillis <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(sleepMillis, remainingMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleepMillis = Math.min(sleepMillis * 2, WAIT_MAX_MS);
        }
        return store.expertResults(requestId);
    }

    private void record(Tenant tenant, Mode mode, Accepted accepted, long startNanos) {
        Metric items = Metric.count(accepted.entries().size());
        Metric answered = Metric.count(accepted.entries().size() - accepted.escalated());
        Metric escalated = Metric.count(accepted.escalated());
        // Per tenant as an EMF property, not a dimension (tenants are unbounded): items by tier, for
        // `sieve cost --by-tenant` and Logs Insights.
        metrics.record(
                Map.of("mode", mode.wireName()),
                Map.of(
                        "Items", items,
                        "GateAnswered", answered,
                        "Escalated", escalated,
                        "HandlerLatency", Metric.millis((System.nanoTime() - startNanos) / 1e6)),
                Map.of(MetricNames.TENANT, tenant.name()));
        // The same counts under the service dimension only (what the dashboard, the cost figure and the
        // routing-drift alarm read), and the drift check.
        routing.record(accepted.tally());
    }

    private long ttl(Instant now) {
        return now.plus(Duration.ofDays(config.resultsTtlDays())).getEpochSecond();
    }

    private String resultsUrl(String requestId) {
        return config.apiBaseUrl() + "/v1/results/" + requestId;
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
