package dev.sieve.localaws.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB: Amazon's DynamoDB Local, in memory, one database for every access key and region
 * ({@code -sharedDb}), telemetry off. It refuses port 0, so a free port is picked first; if another
 * process takes it in between, start is retried on a new port.
 */
public final class DynamoDbLocalServer implements EmbeddedServer {
    private static final int ATTEMPTS = 3;

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DynamoDbLocalServer(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static DynamoDbLocalServer start(String host) {
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            int port = freePort(host);
            DynamoDBProxyServer server = null;
            try {
                // createServer(input), unlike createServerFromCommandLineArgs, prints no banner to stdout
                CommandLineInput input = new CommandLineInput(
                        new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
                if (!input.init()) {
                    throw new IllegalStateException("DynamoDB Local refused its command line");
                }
                server = ServerRunner.createServer(input);
                server.start();
                return new DynamoDbLocalServer(server, URI.create("http://" + host + ":" + port));
            } catch (Exception e) {
                last = e;
                stopQuietly(server);
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start after " + ATTEMPTS + " attempts", last);
    }

    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stopQuietly(server);
        }
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            // stopping a server that failed to start; nothing left to free
        }
    }
}
