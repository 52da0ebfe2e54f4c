package dev.sieve.cli.cost;

import dev.sieve.pricing.PriceRefresher;
import dev.sieve.pricing.PriceTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * {@code sieve cost refresh-prices}: writes a new price table whose EC2 on-demand, Lambda and SQS entries come from
 * the AWS Price List Query API. Needs AWS credentials (the default chain); nothing else in Sieve calls it.
 */
@Command(
        name = "refresh-prices",
        mixinStandardHelpOptions = true,
        description = {
            "Refreshes the price table from the AWS Price List API (GetProducts): EC2 on-demand Linux hourly prices"
                    + " of the table's GPU instance types, Lambda request and GB-second prices, SQS standard request"
                    + " prices. Other entries keep their value and source. Prints old -> new per entry.",
            "Needs AWS credentials from the default chain (env, profile, SSO, instance role).",
            "Exit codes: 0 ok, 2 no credentials, bad input, or the API failed."
        })
public final class CostRefreshPricesCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--region",
            defaultValue = "us-east-1",
            description = "Region whose prices to fetch (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(
            names = "--out",
            description = "File to write the refreshed table to (default: prices-<region>-<today>.json).")
    Path out;

    @Option(names = "--prices", description = "Table to refresh (default: the built-in table).")
    Path prices;

    @Option(names = "--endpoint", description = "Price List API endpoint (default: ${DEFAULT-VALUE}).")
    URI endpoint = PriceRefresher.DEFAULT_ENDPOINT;

    @Option(names = "--timeout-seconds", defaultValue = "20", description = "Connect and request timeout per call.")
    int timeoutSeconds;

    private final Supplier<AwsCredentialsIdentity> credentials;

    /** Uses the SDK's default credentials chain. */
    public CostRefreshPricesCommand() {
        this(CostRefreshPricesCommand::defaultCredentials);
    }

    /** Uses the given credentials (tests); the supplier returns null when there are none. */
    CostRefreshPricesCommand(Supplier<AwsCredentialsIdentity> credentials) {
        this.credentials = credentials;
    }

    private static AwsCredentialsIdentity defaultCredentials() {
        try (DefaultCredentialsProvider provider =
                DefaultCredentialsProvider.builder().build()) {
            return provider.resolveCredentials();
        } catch (SdkException e) {
            return null;
        }
    }

    @Override
    public Integer call() {
        try {
            return refresh();
        } catch (NoCredentialsException | PriceRefresher.PriceRefreshException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("sieve cost refresh-prices: " + e.getMessage());
            err.flush();
            return CostCommand.EXIT_BAD_INPUT;
        }
    }

    private int refresh() {
        return CostCommand.run(spec, () -> {
            PriceTable table = prices == null ? PriceTable.defaults() : PriceTable.load(prices);
            AwsCredentialsIdentity identity = credentials.get();
            if (identity == null) {
                throw new NoCredentialsException(table.asOf());
            }
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            PriceRefresher refresher = new PriceRefresher(endpoint, identity, Duration.ofSeconds(timeoutSeconds));
            PriceRefresher.Result result = refresher.refresh(table, region, today);
            Path target = out != null ? out : Path.of("prices-" + region + "-" + today + ".json");
            try {
                Files.writeString(target, result.tableJson());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
            PrintWriter stdout = spec.commandLine().getOut();
            result.changes().forEach(c -> stdout.println(c.toLine()));
            stdout.println("wrote " + target + " (as of " + today + "); use it with --prices " + target);
            stdout.flush();
        });
    }

    /** No AWS credentials were found; the built-in table stays in use. */
    static final class NoCredentialsException extends RuntimeException {
        NoCredentialsException(LocalDate asOf) {
            super("no AWS credentials found; the built-in price table (as of " + asOf + ") stays in use");
        }
    }
}
