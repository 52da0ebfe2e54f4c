package dev.sieve.shared.tenant;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who a request belongs to: the caller's tenant, taken from the authorizer (a JWT claim, or the IAM
 * principal mapped to a tenant). Everything a tenant stores is keyed by its <em>scoped id</em>, {@code
 * <tenant>/<id>} ({@link #scope}): table keys ({@code REQ#<tenant>/<id>}, see {@code TableSchema}) and S3
 * prefixes ({@code uploads/<tenant>/...}, see {@code BucketLayout}). A lookup by another tenant therefore
 * reads another key and finds nothing, exactly like an unknown id. Queue messages carry the scoped id, so
 * the worker writes results under the owner's keys without knowing about tenants.
 *
 * @param name 1 to 64 characters: letters, digits, {@code .}, {@code _}, {@code -}, starting with a
 *     letter or digit (never {@code /} or {@code #}, the key separators)
 */
public record Tenant(String name) {
    /** What a tenant name may look like. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** What metrics and events name as the tenant of work without one. */
    public static final String UNKNOWN = "unknown";

    private static final char SEPARATOR = '/';

    public Tenant {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tenant name '" + printable(name) + "' does not match " + NAME);
        }
    }

    public static Tenant of(String name) {
        return new Tenant(name);
    }

    /** Whether {@code name} is a valid tenant name. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The id under which this tenant's request, job or upload {@code id} is stored. */
    public String scope(String id) {
        return name + SEPARATOR + id;
    }

    /** The tenant of a scoped id ({@link #scope}). */
    public static Tenant ofScoped(String scopedId) {
        int slash = scopedId.indexOf(SEPARATOR);
        if (slash <= 0) {
            throw new IllegalArgumentException("not a tenant-scoped id: '" + printable(scopedId) + "'");
        }
        return new Tenant(scopedId.substring(0, slash));
    }

    /** The caller-visible id of a scoped id ({@code acme/abc} → {@code abc}). */
    public static String unscoped(String scopedId) {
        int slash = scopedId.indexOf(SEPARATOR);
        if (slash <= 0) {
            throw new IllegalArgumentException("not a tenant-scoped id: '" + printable(scopedId) + "'");
        }
        return scopedId.substring(slash + 1);
    }

    /**
     * The tenant's name of a scoped id, or {@code unknown} for an id without a tenant (work queued before
     * tenants): for metrics and events, which must not fail on old messages.
     */
    public static String nameOrUnknown(String id) {
        int slash = id.indexOf(SEPARATOR);
        return slash > 0 && isValid(id.substring(0, slash)) ? id.substring(0, slash) : UNKNOWN;
    }

    /** The caller-visible id of a scoped id, or the id itself when it has no tenant (see {@link #nameOrUnknown}). */
    public static String unscopedOrSelf(String id) {
        int slash = id.indexOf(SEPARATOR);
        return slash > 0 && isValid(id.substring(0, slash)) ? id.substring(slash + 1) : id;
    }

    @Override
    public String toString() {
        return name;
    }

    private static String printable(String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
