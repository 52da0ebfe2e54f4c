package dev.sieve.gate.tenant;

import dev.sieve.shared.config.EnvironmentVariables;
import dev.sieve.shared.tenant.Tenant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an authenticated {@link Caller} to its {@link Tenant}, the same way in AWS and in {@code sieve
 * local}:
 *
 * <ul>
 *   <li>JWT: the claim named by {@code SIEVE_TENANT_CLAIM} (default {@code tenant}), else {@code sub};
 *   <li>IAM: the caller's ARN, its role's ARN (for an assumed role), or its account id, looked up in
 *       {@code SIEVE_TENANT_PRINCIPALS}; without that setting, the account id is the tenant.
 * </ul>
 */
public final class TenantResolver {
    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/.*");

    private final String claim;
    private final Map<String, String> principals;

    public TenantResolver(TenantConfig config) {
        Objects.requireNonNull(config, "config");
        this.claim = config.claim();
        this.principals = config.principals();
    }

    public Tenant resolve(Caller caller) {
        if (caller.jwtClaims() != null) {
            return fromClaims(caller.jwtClaims());
        }
        if (caller.iamAccountId() != null || caller.iamUserArn() != null) {
            return fromPrincipal(caller.iamUserArn(), caller.iamAccountId());
        }
        throw new UnauthenticatedException(
                "this call carries no credentials; send 'Authorization: Bearer <token>' (or sign it with SigV4"
                        + " when the API uses IAM authorization)");
    }

    private Tenant fromClaims(Map<String, String> claims) {
        String value = claims.get(claim);
        String source = claim;
        if (value == null || value.isBlank()) {
            value = claims.get("sub");
            source = "sub";
        }
        if (value == null || value.isBlank()) {
            throw new UnauthenticatedException(
                    "the token names no tenant: it has neither a '" + claim + "' nor a 'sub' claim");
        }
        if (!Tenant.isValid(value)) {
            throw new ForbiddenException("the token's '" + source + "' claim is not a valid tenant name (1-64 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit)");
        }
        return Tenant.of(value);
    }

    private Tenant fromPrincipal(String userArn, String accountId) {
        if (principals.isEmpty()) {
            if (accountId == null || !Tenant.isValid(accountId)) {
                throw new ForbiddenException("the IAM caller has no account id to use as its tenant");
            }
            return Tenant.of(accountId);
        }
        String mapped = userArn == null ? null : principals.get(userArn);
        if (mapped == null && userArn != null) {
            Matcher role = ASSUMED_ROLE.matcher(userArn);
            if (role.matches()) {
                mapped = principals.get("arn:" + role.group(1) + ":iam::" + role.group(2) + ":role/" + role.group(3));
            }
        }
        if (mapped == null && accountId != null) {
            mapped = principals.get(accountId);
        }
        if (mapped == null) {
            throw new ForbiddenException("this IAM principal is not mapped to a tenant; add its role ARN or account id"
                    + " to " + EnvironmentVariables.TENANT_PRINCIPALS);
        }
        return Tenant.of(mapped);
    }
}
