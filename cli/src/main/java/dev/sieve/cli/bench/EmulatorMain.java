package dev.sieve.cli.bench;

import dev.sieve.localaws.LocalAws;
import dev.sieve.shared.json.Json;
import java.io.IOException;
import java.util.Map;

/**
 * The child process of {@code sieve bench worker --emulators process}: starts {@link LocalAws}, prints
 * one line {@value #READY} followed by its endpoints as JSON on stdout, and stops when its stdin ends
 * (the parent closed it, or died).
 */
public final class EmulatorMain {
    /** The start of the line that carries the endpoints. */
    static final String READY = "sieve-emulators ";

    private EmulatorMain() {}

    public static void main(String[] args) throws IOException {
        int status = 0;
        try (LocalAws aws = LocalAws.start()) {
            System.out.println(READY
                    + Json.write(Map.of(
                            "sqs", aws.sqsEndpoint().toString(),
                            "dynamodb", aws.dynamoDbEndpoint().toString(),
                            "s3", aws.s3Endpoint().toString())));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin
            }
        } catch (RuntimeException e) {
            System.err.println("sieve-emulators: " + e.getMessage());
            status = 1;
        }
        System.exit(status); // the emulators' libraries leave non-daemon threads behind
    }
}
