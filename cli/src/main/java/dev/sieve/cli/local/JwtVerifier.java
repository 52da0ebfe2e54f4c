package dev.sieve.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Checks bearer tokens the way API Gateway's JWT authorizer does before a call reaches the Lambda: the
 * signing key comes from the issuer's JWKS (fetched over HTTP, again when a token names an unknown key),
 * the algorithm must be RS256, {@code iss} and {@code aud} must match, {@code exp} and {@code nbf} must
 * hold. The verified claims go to the handler as the authorizer context (strings, as API Gateway passes
 * them).
 */
public final class JwtVerifier {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
    private static final long LEEWAY_SECONDS = 30;

    private final URI jwksUrl;
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Map<String, PublicKey> keys = Map.of();

    public JwtVerifier(URI jwksUrl, String issuer, String audience, Clock clock) {
        this.jwksUrl = Objects.requireNonNull(jwksUrl, "jwksUrl");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token was refused; the message says why (never the token itself). */
    public static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String message) {
            super(message);
        }
    }

    /** The token's claims, when it is valid. */
    public Map<String, String> verify(String token) throws InvalidTokenException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException("the bearer token is not a JWT (header.payload.signature)");
        }
        JsonNode header = json(parts[0], "header");
        JsonNode payload = json(parts[1], "payload");
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new InvalidTokenException("the token's algorithm must be RS256");
        }
        PublicKey key = key(header.path("kid").asText());
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(B64URL.decode(parts[2]))) {
                throw new InvalidTokenException("the token's signature does not verify");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new InvalidTokenException("the token's signature does not verify");
        }
        if (!issuer.equals(payload.path("iss").asText())) {
            throw new InvalidTokenException("the token was not issued by " + issuer);
        }
        JsonNode aud = payload.path("aud");
        boolean audienceMatches = aud.isArray()
                ? java.util.stream.StreamSupport.stream(aud.spliterator(), false)
                        .anyMatch(a -> audience.equals(a.asText()))
                : audience.equals(aud.asText());
        if (!audienceMatches) {
            throw new InvalidTokenException("the token is not meant for audience " + audience);
        }
        long now = clock.instant().getEpochSecond();
        if (!payload.path("exp").canConvertToLong() || payload.path("exp").asLong() + LEEWAY_SECONDS < now) {
            throw new InvalidTokenException("the token has expired; get a fresh one with: sieve token --tenant NAME");
        }
        if (payload.has("nbf") && payload.path("nbf").asLong() - LEEWAY_SECONDS > now) {
            throw new InvalidTokenException("the token is not valid yet");
        }
        Map<String, String> claims = new LinkedHashMap<>();
        payload.fields()
                .forEachRemaining(e -> claims.put(
                        e.getKey(),
                        e.getValue().isValueNode()
                                ? e.getValue().asText()
                                : e.getValue().toString()));
        return claims;
    }

    private static JsonNode json(String part, String what) throws InvalidTokenException {
        try {
            JsonNode node = MAPPER.readTree(B64URL.decode(part));
            if (node == null || !node.isObject()) {
                throw new InvalidTokenException("the token's " + what + " is not a JSON object");
            }
            return node;
        } catch (IllegalArgumentException | IOException e) {
            throw new InvalidTokenException("the token's " + what + " is not base64url-encoded JSON");
        }
    }

    private PublicKey key(String kid) throws InvalidTokenException {
        PublicKey key = keys.get(kid);
        if (key == null) {
            keys = fetch();
            key = keys.get(kid);
        }
        if (key == null) {
            throw new InvalidTokenException("the token was signed by a key the issuer does not publish");
        }
        return key;
    }

    private Map<String, PublicKey> fetch() throws InvalidTokenException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(jwksUrl)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, PublicKey> fetched = new HashMap<>();
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            for (JsonNode jwk : MAPPER.readTree(response.body()).path("keys")) {
                if (!"RSA".equals(jwk.path("kty").asText())) {
                    continue;
                }
                BigInteger n = new BigInteger(1, B64URL.decode(jwk.path("n").asText()));
                BigInteger e = new BigInteger(1, B64URL.decode(jwk.path("e").asText()));
                fetched.put(jwk.path("kid").asText(), rsa.generatePublic(new RSAPublicKeySpec(n, e)));
            }
            return Map.copyOf(fetched);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidTokenException("the issuer's keys could not be read from " + jwksUrl);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidTokenException("interrupted while reading the issuer's keys");
        }
    }
}
