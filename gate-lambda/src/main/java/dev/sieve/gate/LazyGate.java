package dev.sieve.gate;

import dev.sieve.gate.model.GateModelException;
import dev.sieve.gate.service.GateProvider;
import dev.sieve.gate.service.LoadedGate;
import dev.sieve.gate.service.ModelNotLoadedException;
import dev.sieve.shared.bundle.BundleException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The gate model, loaded when it is first needed instead of in the handler's constructor.
 *
 * <p>With SnapStart, Lambda runs a function's initialization when a version is published, which on a
 * first {@code cdk deploy} is before anyone could have uploaded a bundle to the stack's new bucket. An
 * initializer that insists on the bundle fails the version and rolls the whole stack back. So
 * initialization only <em>tries</em> ({@link #preload()}): when the bundle is there it is part of the
 * snapshot; when it is not, each request tries again (at most once per {@link #RETRY_AFTER_SECONDS}) and
 * is answered 503 {@code model_not_loaded} until a bundle is published.
 */
public final class LazyGate implements GateProvider {
    /** How long a failed load is remembered before the next request tries again; also the Retry-After. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private final String bundleUri;
    private final Supplier<LoadedGate> loader;
    private final Clock clock;
    private volatile LoadedGate loaded;
    private ModelNotLoadedException lastFailure;
    private long retryAtMillis;

    public LazyGate(String bundleUri, Supplier<LoadedGate> loader, Clock clock) {
        this.bundleUri = Objects.requireNonNull(bundleUri, "bundleUri");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Tries to load now (at initialization, so the snapshot holds the model); never throws. */
    public void preload() {
        try {
            current();
        } catch (ModelNotLoadedException e) {
            JsonLog.warn("model bundle not loaded at start", Map.of("bundle_uri", bundleUri, "reason", e.getMessage()));
        }
    }

    @Override
    public LoadedGate current() {
        LoadedGate gate = loaded;
        if (gate != null) {
            return gate;
        }
        return load();
    }

    private synchronized LoadedGate load() {
        if (loaded != null) {
            return loaded;
        }
        long now = clock.millis();
        if (lastFailure != null && now < retryAtMillis) {
            throw lastFailure;
        }
        try {
            loaded = loader.get();
            lastFailure = null;
            JsonLog.info(
                    "model bundle loaded", Map.of("bundle_uri", bundleUri, "bundle_version", loaded.bundleVersion()));
            return loaded;
        } catch (BundleException | GateModelException | UncheckedIOException | SdkException e) {
            lastFailure = new ModelNotLoadedException(
                    "no usable model bundle at " + bundleUri + " (" + e.getMessage() + "); publish one with"
                            + " `sieve bundle publish` (or upload a bundle made by `sieve train` there), then retry",
                    RETRY_AFTER_SECONDS,
                    e);
            retryAtMillis = now + RETRY_AFTER_SECONDS * 1000L;
            throw lastFailure;
        }
    }
}
