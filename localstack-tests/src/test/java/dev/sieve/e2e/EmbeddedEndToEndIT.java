package dev.sieve.e2e;

import dev.sieve.cli.local.AwsBackend;
import dev.sieve.localaws.LocalAws;

/** The scenarios against the embedded emulators (one per JVM): always runs. */
class EmbeddedEndToEndIT extends EndToEndScenarios {
    @Override
    AwsBackend backend() {
        return AwsBackend.of(LocalAws.shared());
    }
}
