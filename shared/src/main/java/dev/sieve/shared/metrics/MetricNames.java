package dev.sieve.shared.metrics;

/**
 * Names of the metrics that the CDK app's dashboard, alarms and cost figure read. The gate and the
 * worker emit exactly these names (through {@link Metrics}) in the namespace given by {@code
 * SIEVE_METRICS_NAMESPACE}.
 *
 * <p>CloudWatch identifies a metric by namespace, name and the full set of dimensions. The dashboard
 * queries each metric below with the single dimension {@link #SERVICE} ({@link #GATE_SERVICE} or
 * {@link #WORKER_SERVICE}), which is what {@link EmfMetrics#toStdout(String, String)} adds; record
 * these values with no further dimensions (an extra record with more dimensions is fine, it is just
 * a different metric).
 */
public final class MetricNames {
    private MetricNames() {}

    /** Default namespace when {@code SIEVE_METRICS_NAMESPACE} is not set. */
    public static final String DEFAULT_NAMESPACE = "Sieve";

    /** The dimension {@link EmfMetrics#toStdout(String, String)} adds to every record. */
    public static final String SERVICE = "service";

    public static final String GATE_SERVICE = "gate";
    public static final String WORKER_SERVICE = "worker";

    // ---- emitted by the gate (service=gate) ----
    /** Count: items the gate scored (every item that entered Sieve). */
    public static final String GATE_ITEMS = "GateItems";
    /** Count: items the gate answered itself (confident). */
    public static final String GATE_ANSWERED_ITEMS = "GateAnsweredItems";
    /** Count: items the gate escalated to the expert queues. Routing rate = this / {@link #GATE_ITEMS}. */
    public static final String ESCALATED_ITEMS = "EscalatedItems";
    /**
     * Count: items the gate would have escalated at its calibrated routing rate (items x the bundle's
     * validation routing rate). Routing drift = {@link #ESCALATED_ITEMS} / this; the drift alarm fires
     * above {@link #ROUTING_DRIFT_ALARM_RATIO}.
     */
    public static final String EXPECTED_ESCALATED_ITEMS = "ExpectedEscalatedItems";
    /** Live routing rate over calibrated routing rate above which routing has left its band. */
    public static final double ROUTING_DRIFT_ALARM_RATIO = 2.0;

    // ---- emitted by the worker (service=worker) ----
    /** Count: items the expert classified. */
    public static final String EXPERT_ITEMS = "ExpertItems";
    /** Seconds: time the worker spent running expert batches (tokenize + inference). */
    public static final String EXPERT_BUSY_SECONDS = "ExpertBusySeconds";
    /** Milliseconds: from the queue message's enqueue time to its results being written. */
    public static final String EXPERT_QUEUE_LATENCY_MS = "ExpertQueueLatency";

    // ---- per tenant (an EMF property, never a dimension: tenants are unbounded) ----
    /**
     * The property naming the tenant on per-tenant usage records: the gate's request records (Items,
     * GateAnswered, Escalated) and the worker's {@link #TENANT_USAGE} records ({@link #EXPERT_ITEMS},
     * {@link #EXPERT_BUSY_SECONDS} apportioned by tokens). {@code sieve cost --by-tenant} reads them.
     */
    public static final String TENANT = "tenant";
    /** The {@code usage} dimension value of the worker's per-tenant records (kept apart from the totals). */
    public static final String TENANT_USAGE = "tenant";
}
