package dev.sieve.events;

import java.util.HashMap;
import java.util.Map;

/** Table changes as the stores write them (attribute names from TableSchema's layout). */
final class Changes {
    private Changes() {}

    static Map<String, String> requestMeta(String scopedId, String state, String mode) {
        Map<String, String> image = new HashMap<>();
        image.put("pk", "REQ#" + scopedId);
        image.put("sk", "META");
        image.put("state", state);
        image.put("mode", mode);
        image.put("items", "40");
        image.put("expected", "3");
        image.put("answered", "3");
        image.put("created_at", "1764806400000");
        return image;
    }

    static Map<String, String> jobMeta(String scopedId, String state) {
        Map<String, String> image = new HashMap<>();
        image.put("pk", "JOB#" + scopedId);
        image.put("sk", "META");
        image.put("state", state);
        image.put("manifest", "s3://bucket/jobs/in/j.jsonl");
        image.put("chunks", "4");
        image.put("items", "10000");
        image.put("created_at", "1764806400000");
        return image;
    }

    static Map<String, String> with(Map<String, String> image, String name, String value) {
        Map<String, String> copy = new HashMap<>(image);
        copy.put(name, value);
        return copy;
    }

    static TableChange modify(String sequence, Map<String, String> before, Map<String, String> after) {
        return new TableChange(TableChange.MODIFY, sequence, before, after);
    }

    static TableChange insert(String sequence, Map<String, String> after) {
        return new TableChange(TableChange.INSERT, sequence, Map.of(), after);
    }

    /** A request of {@code tenant} going PENDING -> COMPLETE: one event. */
    static TableChange requestCompleted(String sequence, String tenant, String requestId) {
        Map<String, String> before = requestMeta(tenant + "/" + requestId, "PENDING", "async");
        return modify(sequence, before, with(with(before, "state", "COMPLETE"), "completed_at", "1764806460000"));
    }
}
