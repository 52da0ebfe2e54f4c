package dev.sieve.localaws.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay in front of one emulator, so the emulator can be taken off the network and put
 * back on the same port while it keeps its data (an outage, not a data loss). {@link #stop()} closes the
 * listening socket (new connections are refused) and resets every open connection (calls in flight fail
 * the way they do when a server dies); {@link #start()} listens on the same port again.
 */
public final class Relay implements AutoCloseable {
    private final String host;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile int port;

    private Relay(String host, int targetPort) {
        this.host = host;
        this.targetPort = targetPort;
    }

    /** A relay on a free port of {@code host} to {@code target}, listening. */
    public static Relay open(String host, URI target) {
        Relay relay = new Relay(host, target.getPort());
        relay.start();
        return relay;
    }

    /** The relay's own address: what clients use instead of the emulator's. */
    public URI endpoint() {
        return URI.create("http://" + host + ":" + port);
    }

    public boolean listening() {
        return listener != null;
    }

    /**
     * Listens again (on the port of the first start). Does nothing when already listening.
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public synchronized void start() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
            port = socket.getLocalPort();
            listener = socket;
            Thread.ofVirtual().name("relay-accept-" + port).start(() -> accept(socket));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Refuses new connections and resets the open ones. Does nothing when already stopped. */
    public synchronized void stop() {
        ServerSocket socket = listener;
        listener = null;
        if (socket != null) {
            closeQuietly(socket);
        }
        for (Socket connection : open) {
            try {
                connection.setSoLinger(true, 0); // RST, like a crashed server
            } catch (IOException e) {
                // already closed
            }
            closeQuietly(connection);
        }
        open.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // stopped
            }
            Thread.ofVirtual().start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        open.add(client);
        open.add(server);
        try {
            if (listener == null) {
                throw new IOException("relay stopped");
            }
            server.connect(new InetSocketAddress(InetAddress.getByName(host), targetPort), 2_000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            Thread.ofVirtual().start(() -> pump(server, client));
            pump(client, server);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }
    }

    /** Copies one direction until either side closes, then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed or was reset
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing left to free
        }
    }
}
