package dev.sieve.gate.tenant;

import java.util.Map;

/**
 * What the authorizer established about a caller, before it is mapped to a tenant: the verified JWT's
 * claims (API Gateway's JWT authorizer, or {@code sieve local}'s own issuer), or the SigV4-signing IAM
 * principal. Neither: nobody authenticated the call.
 *
 * @param jwtClaims the token's claims as API Gateway passes them (strings), or null
 * @param iamUserArn the IAM caller's ARN ({@code arn:aws:sts::<account>:assumed-role/<role>/<session>} for
 *     a role), or null
 * @param iamAccountId the IAM caller's account, or null
 */
public record Caller(Map<String, String> jwtClaims, String iamUserArn, String iamAccountId) {
    public Caller {
        jwtClaims = jwtClaims == null ? null : Map.copyOf(jwtClaims);
    }

    public static Caller anonymous() {
        return new Caller(null, null, null);
    }

    public static Caller jwt(Map<String, String> claims) {
        return new Caller(claims, null, null);
    }

    public static Caller iam(String userArn, String accountId) {
        return new Caller(null, userArn, accountId);
    }
}
