package dev.sieve.localaws.internal;

import java.net.URI;

/** One emulator listening on localhost. Stopping it twice is harmless. */
public interface EmbeddedServer extends AutoCloseable {
    /** The base URL an AWS SDK client uses as its endpoint override. */
    URI endpoint();

    /** Stops the server and frees what it holds; never throws. */
    @Override
    void close();
}
