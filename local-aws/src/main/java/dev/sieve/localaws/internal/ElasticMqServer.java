package dev.sieve.localaws.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** SQS: ElasticMQ's REST server (AWS JSON and query protocols) on a free localhost port. */
public final class ElasticMqServer implements EmbeddedServer {
    private final SQSRestServer server;
    private final URI endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ElasticMqServer(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts on {@code port}, or on a port the OS picks when it is 0. */
    public static ElasticMqServer start(String host, int port, String region, String accountId) {
        SQSRestServer server = (port == 0
                        ? SQSRestServerBuilder.withDynamicPort()
                        : SQSRestServerBuilder.withPort(port))
                .withInterface(host)
                .withAWSRegion(region)
                .withAWSAccountId(accountId)
                .start();
        int boundPort;
        try {
            boundPort = server.waitUntilStarted().localAddress().getPort();
        } catch (RuntimeException e) {
            try {
                server.stopAndWait();
            } catch (RuntimeException ignored) {
                // the bind failed; there is nothing to stop
            }
            throw new IllegalStateException(
                    "ElasticMQ did not start on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new ElasticMqServer(server, URI.create("http://" + host + ":" + boundPort));
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.stopAndWait();
            } catch (RuntimeException e) {
                // already stopping; nothing else holds resources
            }
        }
    }
}
