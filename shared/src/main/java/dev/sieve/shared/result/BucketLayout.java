package dev.sieve.shared.result;

/**
 * Where things live in Sieve's S3 bucket. The CDK app's notifications and lifecycle rules use these
 * prefixes, so change them only together.
 */
public final class BucketLayout {
    private BucketLayout() {}

    /** Model bundles: {@code bundles/<version>/manifest.json} and its files. */
    public static final String BUNDLES = "bundles/";
    /** Request bodies uploaded through presigned PUTs: {@code uploads/<requestId>.json}. */
    public static final String UPLOADS = "uploads/";
    /** Batch-transform manifests; an object created here starts a job. */
    public static final String JOBS_IN = "jobs/in/";
    /** Part files written per job chunk: {@code jobs/parts/<jobId>/<tier>-<chunk>.jsonl}. */
    public static final String JOBS_PARTS = "jobs/parts/";
    /** Assembled outputs: {@code jobs/out/<name>.out}. */
    public static final String JOBS_OUT = "jobs/out/";
    /** Queue payloads too large for an SQS message: {@code payloads/<requestId>/<chunk>.jsonl}. */
    public static final String PAYLOADS = "payloads/";

    /** Gate answers of API requests too large for the META item: {@code results/<requestId>/gate.json}. */
    public static final String RESULTS = "results/";

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
