package dev.sieve.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sieve.contract.JobState;
import dev.sieve.contract.RequestState;
import dev.sieve.shared.json.Json;
import dev.sieve.shared.result.TableSchema;
import dev.sieve.shared.tenant.Tenant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one home of the event shape: which table changes are events and what they say.
 *
 * <p>A change is an event when a request's or job's META row <em>becomes</em> final ({@link
 * RequestState#terminal}, {@link JobState#terminal}): a modification from an unfinished state, or a row
 * written final at once, except a real-time request the gate answered whole (the caller holds the answer in
 * its HTTP response; at one per call these would be most events and tell nobody anything). Every other row
 * (results, chunk markers, quotas, cache, TTL removals) and every other transition is not an event. The
 * stack's event-source filter (infra {@code SieveEventsOutbox}) drops most of them before the Lambda runs;
 * this class decides, so a filter that lets more through changes nothing.
 */
public final class SieveEvents {
    static final String REALTIME = "realtime";

    private SieveEvents() {}

    /** The event of {@code change}, or empty when the change is not one. */
    public static Optional<SieveEvent> of(TableChange change) {
        Map<String, String> now = change.newImage();
        if (!TableSchema.META.equals(now.get(TableSchema.SK)) || now.get(TableSchema.PK) == null) {
            return Optional.empty();
        }
        String pk = now.get(TableSchema.PK);
        boolean insert = TableChange.INSERT.equals(change.kind());
        if (!insert && !TableChange.MODIFY.equals(change.kind())) {
            return Optional.empty();
        }
        if (pk.startsWith(TableSchema.REQUEST_PREFIX)) {
            return request(pk.substring(TableSchema.REQUEST_PREFIX.length()), insert, change.oldImage(), now);
        }
        if (pk.startsWith(TableSchema.JOB_PREFIX)) {
            return job(pk.substring(TableSchema.JOB_PREFIX.length()), insert, change.oldImage(), now);
        }
        return Optional.empty();
    }

    private static Optional<SieveEvent> request(
            String scopedId, boolean insert, Map<String, String> before, Map<String, String> now) {
        RequestState state = requestState(now);
        if (state == null || !state.terminal()) {
            return Optional.empty();
        }
        String mode = now.get(TableSchema.MODE);
        RequestState previous = requestState(before);
        if (insert ? REALTIME.equals(mode) : previous != null && previous.terminal()) {
            return Optional.empty();
        }
        boolean failed = state == RequestState.FAILED;
        String tenant = Tenant.nameOrUnknown(scopedId);
        return Optional.of(new SieveEvent(
                failed ? SieveEvent.REQUEST_FAILED : SieveEvent.REQUEST_COMPLETED,
                new SieveEvent.Detail(
                        SieveEvent.SCHEMA_VERSION,
                        eventId("request", scopedId, state.name()),
                        tenant,
                        Tenant.unscopedOrSelf(scopedId),
                        null,
                        lower(state.name()),
                        mode,
                        failed ? requestReason(now.get(TableSchema.ERROR)) : null,
                        number(now, TableSchema.ITEMS),
                        number(now, TableSchema.EXPECTED),
                        number(now, TableSchema.ANSWERED),
                        null,
                        null,
                        null,
                        null,
                        null,
                        number(now, TableSchema.CREATED_AT),
                        number(now, TableSchema.COMPLETED_AT))));
    }

    private static Optional<SieveEvent> job(
            String scopedId, boolean insert, Map<String, String> before, Map<String, String> now) {
        JobState state = jobState(now);
        JobState previous = jobState(before);
        if (state == null || !state.terminal() || (!insert && previous != null && previous.terminal())) {
            return Optional.empty();
        }
        boolean failed = state == JobState.FAILED;
        String error = now.get(TableSchema.ERROR);
        return Optional.of(new SieveEvent(
                failed ? SieveEvent.JOB_FAILED : SieveEvent.JOB_COMPLETED,
                new SieveEvent.Detail(
                        SieveEvent.SCHEMA_VERSION,
                        eventId("job", scopedId, state.name()),
                        Tenant.nameOrUnknown(scopedId),
                        null,
                        Tenant.unscopedOrSelf(scopedId),
                        lower(state.name()),
                        null,
                        failed ? new SieveEvent.Reason(null, null, error == null ? "unknown" : error) : null,
                        number(now, TableSchema.ITEMS),
                        null,
                        null,
                        number(now, TableSchema.CHUNKS),
                        failed ? null : number(now, TableSchema.LOST),
                        failed ? null : number(now, TableSchema.DUPLICATES),
                        now.get(TableSchema.MANIFEST),
                        failed ? null : now.get(TableSchema.OUTPUT),
                        number(now, TableSchema.CREATED_AT),
                        number(now, TableSchema.COMPLETED_AT))));
    }

    /** {@code request:acme/abc:complete}: one id per transition, whatever delivers it. */
    static String eventId(String kind, String scopedId, String state) {
        return kind + ":" + scopedId + ":" + lower(state);
    }

    private static RequestState requestState(Map<String, String> image) {
        String state = image.get(TableSchema.STATE);
        try {
            return state == null ? null : RequestState.valueOf(state);
        } catch (IllegalArgumentException e) {
            return null; // a state this build does not know is not a final one it could describe
        }
    }

    private static JobState jobState(Map<String, String> image) {
        String state = image.get(TableSchema.STATE);
        try {
            return state == null ? null : JobState.valueOf(state);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A request's {@code error}: the JSON {@code {"code","field","message"}} the request store writes. */
    private static SieveEvent.Reason requestReason(String error) {
        if (error == null) {
            return new SieveEvent.Reason("unknown", null, "no reason recorded");
        }
        try {
            JsonNode node = Json.mapper().readTree(error);
            return new SieveEvent.Reason(text(node, "code"), text(node, "field"), text(node, "message"));
        } catch (java.io.IOException e) {
            return new SieveEvent.Reason("unknown", null, error);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Long number(Map<String, String> image, String name) {
        String value = image.get(name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String lower(String state) {
        return state.toLowerCase(Locale.ROOT);
    }
}
