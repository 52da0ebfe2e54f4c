package dev.sieve.localaws.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB: Amazon's DynamoDB Local, in memory, one database for every access key and region (the
 * {@code -inMemory -sharedDb} mode), telemetry never configured.
 *
 * <p>DynamoDB Local's own {@code ServerRunner}/{@code DynamoDBProxyServer} refuse port 0, listen on
 * every interface, print a banner to stdout and, worst, swallow a "port in use" error (they print it
 * to stderr and return as if started). So this class mounts DynamoDB Local's public request handler
 * on a Jetty server of its own (the Jetty DynamoDB Local itself depends on), bound to loopback on a
 * port the OS picks: no race for a free port, nothing reachable from outside the machine.
 */
public final class DynamoDbLocalServer implements EmbeddedServer {
    /** Held so the JUL logger (and its level) is not garbage-collected; sqlite4java logs through JUL. */
    private static final Logger SQLITE_LOGGER = Logger.getLogger("com.almworks.sqlite4java");

    private final Server jetty;
    private final AbstractLocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DynamoDbLocalServer(Server jetty, AbstractLocalDynamoDBServerHandler handler, URI endpoint) {
        this.jetty = jetty;
        this.handler = handler;
        this.endpoint = endpoint;
    }

    /** Starts on {@code port}, or on a port the OS picks when it is 0. */
    public static DynamoDbLocalServer start(String host, int port) {
        SQLITE_LOGGER.setLevel(Level.WARNING);
        AbstractLocalDynamoDBServerHandler handler;
        try {
            // the same arguments ServerRunner passes for -inMemory -sharedDb: no table-count override,
            // in memory, no db path, one shared database, no artificial CREATING/DELETING delays
            handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local's request handler did not start: " + e.getMessage(), e);
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("DynamoDbLocal-Jetty"); // like S3Proxy's "S3Proxy-Jetty", instead of "qtp<hash>"
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler();
        context.setHandler(handler);
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty, handler);
            throw new IllegalStateException(
                    "DynamoDB Local did not start on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new DynamoDbLocalServer(jetty, handler, URI.create("http://" + host + ":" + connector.getLocalPort()));
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stopQuietly(jetty, handler);
        }
    }

    private static void stopQuietly(Server jetty, AbstractLocalDynamoDBServerHandler handler) {
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping a server that failed to start; the handler is closed below either way
        }
        try {
            handler.close();
        } catch (RuntimeException e) {
            // the in-memory database is gone with the handler
        }
    }
}
