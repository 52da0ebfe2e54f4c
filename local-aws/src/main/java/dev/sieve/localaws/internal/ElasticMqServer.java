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

    public static ElasticMqServer start(String host, String region, String accountId) {
        SQSRestServer server = SQSRestServerBuilder.withDynamicPort()
                .withInterface(host)
                .withAWSRegion(region)
                .withAWSAccountId(accountId)
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new ElasticMqServer(server, URI.create("http://" + host + ":" + port));
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
