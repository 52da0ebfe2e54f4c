package dev.sieve.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sieve local}'s own token issuer, standing in for the OIDC issuer that API Gateway's JWT authorizer
 * trusts in AWS: an RS256 key pair (JDK crypto), a JWKS served on loopback, and tokens naming a tenant. The
 * key lives in {@code <cache>/local-issuer/signing-key.p8} (owner-only), so {@code sieve token} in another
 * shell signs tokens the running system accepts; {@link #ephemeral} keeps it in memory (tests).
 */
public final class LocalIssuer implements AutoCloseable {
    /** The {@code iss} of every token. */
    public static final String ISSUER = "sieve-local";
    /** The {@code aud} of every token. */
    public static final String AUDIENCE = "sieve";
    /** Lifetime of the tokens printed at start and by {@code sieve token}, unless asked otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(12);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;
    private final Clock clock;
    private HttpServer server;

    private LocalIssuer(PrivateKey privateKey, RSAPublicKey publicKey, Clock clock) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.clock = clock;
        this.keyId = keyIdOf(publicKey);
    }

    /** An issuer whose key exists only in this process. */
    public static LocalIssuer ephemeral() {
        KeyPair pair = generate();
        return new LocalIssuer(pair.getPrivate(), (RSAPublicKey) pair.getPublic(), Clock.systemUTC());
    }

    /** The issuer whose key is kept in {@code directory} (created with the key on first use). */
    public static LocalIssuer open(Path directory) {
        Path file = directory.resolve("signing-key.p8");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(directory);
                Path tmp = Files.createTempFile(directory, "signing-key", ".tmp");
                try {
                    setOwnerOnly(tmp);
                    Files.write(tmp, generate().getPrivate().getEncoded());
                    Files.move(tmp, file); // never replaces: a key another process made first wins
                } catch (FileAlreadyExistsException e) {
                    // another process created it first: use theirs
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey key = rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
            RSAPublicKey publicKey =
                    (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new LocalIssuer(key, publicKey, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local issuer's key in " + directory, e);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException(
                    file + " is not an RSA private key (PKCS#8); delete it to have a new one made", e);
        }
    }

    /** A signed token for {@code tenant}: claims {@code iss}, {@code aud}, {@code sub}, {@code tenant}, {@code iat}, {@code exp}. */
    public String token(String tenant, Duration ttl) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", keyId);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", tenant);
        claims.put("tenant", tenant);
        claims.put("iat", now);
        claims.put("exp", now + ttl.toSeconds());
        try {
            String signingInput = B64URL.encodeToString(MAPPER.writeValueAsBytes(header)) + "."
                    + B64URL.encodeToString(MAPPER.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(privateKey);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(rs256.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /** The JSON Web Key Set with the public key. */
    public String jwks() {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("kty", "RSA");
        key.put("use", "sig");
        key.put("alg", "RS256");
        key.put("kid", keyId);
        key.put("n", B64URL.encodeToString(unsigned(publicKey.getModulus())));
        key.put("e", B64URL.encodeToString(unsigned(publicKey.getPublicExponent())));
        try {
            return MAPPER.writeValueAsString(Map.of("keys", List.of(key)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code /.well-known/jwks.json} on {@code host} (loopback), any free port; returns its URL. */
    public synchronized URI serveJwks(String host) throws IOException {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress(host, 0), 16);
            server.createContext("/.well-known/jwks.json", exchange -> {
                try (exchange) {
                    byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().put("Content-Type", List.of("application/json"));
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
        }
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/.well-known/jwks.json");
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is required by every Java platform", e);
        }
    }

    private static String keyIdOf(RSAPublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return B64URL.encodeToString(hash).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            return java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return bytes;
    }

    private static void setOwnerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
    }
}
