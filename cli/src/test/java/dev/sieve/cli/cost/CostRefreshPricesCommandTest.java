package dev.sieve.cli.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class CostRefreshPricesCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Supplier<AwsCredentialsIdentity> credentials, String... args) {
        CommandLine cl = new CommandLine(new CostRefreshPricesCommand(credentials));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void refreshPrices_whenNoCredentials_exitsTwoWithOneLine() {
        int code = run(() -> null, "--out", dir.resolve("p.json").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("sieve cost refresh-prices: no AWS credentials found; the built-in price table"
                        + " (as of 2026-11-23) stays in use");
        assertThat(dir.resolve("p.json")).doesNotExist();
    }

    @Test
    void refreshPrices_whenApiMatchesNothing_writesLoadableTableAndPrintsKeptEntries() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"FormatVersion\":\"aws_v1\",\"PriceList\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Path target = dir.resolve("refreshed.json");
            int code = run(
                    () -> AwsBasicCredentials.create("AKIDEXAMPLE", "secret"),
                    "--endpoint",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/",
                    "--out",
                    target.toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString())
                    .contains("ec2.g5.xlarge.on_demand.hour: kept 1.006 (the API returned 0 products")
                    .contains("wrote " + target);
            assertThat(Files.readString(target)).contains("\"as_of\"").contains("\"prices\"");
            int cost = dev.sieve.cli.SieveCommand.commandLine()
                    .execute(
                            "cost",
                            "--profile",
                            "../pricing/profiles/spamassassin-batch-1b.json",
                            "--prices",
                            target.toString(),
                            "--json");
            assertThat(cost).isZero();
        } finally {
            server.stop(0);
        }
    }
}
