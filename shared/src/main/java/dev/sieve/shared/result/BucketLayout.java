package dev.sieve.shared.result;

import dev.sieve.shared.tenant.Tenant;
import java.util.Optional;

/**
 * Where things live in Sieve's S3 bucket. The CDK app's notifications and lifecycle rules use these
 * prefixes, so change them only together. Everything a tenant sends or gets lives under a tenant
 * prefix: the ids passed here are tenant-scoped ({@code <tenant>/<id>}, {@link Tenant#scope}), and
 * manifests live under {@code jobs/in/<tenant>/} ({@link #jobsIn}), so their outputs land under {@code
 * jobs/out/<tenant>/}.
 */
public final class BucketLayout {
    private BucketLayout() {}

    /** Model bundles: {@code bundles/<version>/manifest.json} and its files. */
    public static final String BUNDLES = "bundles/";
    /** Request bodies uploaded through presigned PUTs: {@code uploads/<tenant>/<requestId>.json}. */
    public static final String UPLOADS = "uploads/";
    /** Batch-transform manifests, {@code jobs/in/<tenant>/<name>.jsonl}; an object created here starts a job. */
    public static final String JOBS_IN = "jobs/in/";
    /** Part files written per job chunk: {@code jobs/parts/<tenant>/<jobId>/<tier>-<chunk>.jsonl}. */
    public static final String JOBS_PARTS = "jobs/parts/";
    /** Assembled outputs: {@code jobs/out/<tenant>/<name>.out}. */
    public static final String JOBS_OUT = "jobs/out/";
    /** Queue payloads too large for an SQS message: {@code payloads/<tenant>/<requestId>/<chunk>.jsonl}. */
    public static final String PAYLOADS = "payloads/";

    /**
     * Gate answers of API requests too large for the META item: {@code results/<tenant>/<requestId>/gate.json}.
     */
    public static final String RESULTS = "results/";

    /** Where {@code tenant}'s manifests go: {@code jobs/in/<tenant>/}. */
    public static String jobsIn(Tenant tenant) {
        return JOBS_IN + tenant.name() + "/";
    }

    /** The tenant of a manifest key {@code jobs/in/<tenant>/...}, or empty when the key has no valid tenant prefix. */
    public static Optional<Tenant> tenantOfManifest(String manifestKey) {
        if (manifestKey == null || !manifestKey.startsWith(JOBS_IN)) {
            return Optional.empty();
        }
        int slash = manifestKey.indexOf('/', JOBS_IN.length());
        if (slash < 0 || slash == manifestKey.length() - 1) {
            return Optional.empty();
        }
        String name = manifestKey.substring(JOBS_IN.length(), slash);
        return Tenant.isValid(name) ? Optional.of(Tenant.of(name)) : Optional.empty();
    }

    public static String gateResults(String requestId) {
        return RESULTS + requestId + "/gate.json";
    }

    public static String upload(String requestId) {
        return UPLOADS + requestId + ".json";
    }

    public static String part(String jobId, String tier, int chunk) {
        return JOBS_PARTS + jobId + "/" + tier + "-" + String.format("%06d", chunk) + ".jsonl";
    }

    public static String payload(String requestId, int chunk) {
        return PAYLOADS + requestId + "/" + String.format("%06d", chunk) + ".jsonl";
    }

    /** {@code jobs/in/a/b.jsonl} → {@code jobs/out/a/b.out}. */
    public static String outputFor(String manifestKey) {
        String name = manifestKey.startsWith(JOBS_IN) ? manifestKey.substring(JOBS_IN.length()) : manifestKey;
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        if (dot > slash) {
            name = name.substring(0, dot);
        }
        return JOBS_OUT + name + ".out";
    }
}
