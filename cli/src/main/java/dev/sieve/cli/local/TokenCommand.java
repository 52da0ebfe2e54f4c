package dev.sieve.cli.local;

import dev.sieve.shared.tenant.Tenant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sieve token --tenant NAME}: prints a fresh bearer token for {@code sieve local}, signed with the
 * local issuer's key (kept in the cache directory, shared with the running system).
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a fresh bearer token for sieve local, for tenant NAME (send it as 'Authorization: Bearer TOKEN').",
            "Signed with the local issuer's key under the cache directory; a running 'sieve local' accepts it."
        })
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant the token names.")
    String tenant;

    @Option(
            names = "--ttl-minutes",
            defaultValue = "720",
            description = "Lifetime in minutes (default: ${DEFAULT-VALUE}).")
    long ttlMinutes;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Where sieve local keeps its cache and the issuer's key (default: ~/.cache/sieve).")
    Path cacheDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!Tenant.isValid(tenant)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--tenant: '" + tenant + "' is not a tenant name (1-64 letters, digits, '.', '_', '-')");
        }
        if (ttlMinutes < 1 || ttlMinutes > 7 * 24 * 60) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl-minutes must be 1 to 10080");
        }
        Path cache = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "sieve");
        try (LocalIssuer issuer = LocalIssuer.open(issuerDir(cache))) {
            System.out.println(issuer.token(tenant, Duration.ofMinutes(ttlMinutes)));
        }
        return 0;
    }

    /** Where the local issuer's key lives under a cache directory. */
    static Path issuerDir(Path cache) {
        return cache.resolve("local-issuer");
    }
}
