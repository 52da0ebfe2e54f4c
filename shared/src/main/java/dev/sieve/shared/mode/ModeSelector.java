package dev.sieve.shared.mode;

import java.util.Locale;
import java.util.Objects;

/**
 * Chooses how an API request travels: real-time (answered inline, escalations awaited within a
 * budget) or async (202 and polling). Pure: body size, item count and the caller's wish in, the
 * mode and a human-readable reason out.
 *
 * <p>Real-time needs the body to fit a synchronous Lambda invoke ({@link #SYNC_INVOKE_MAX_BYTES})
 * and the item count to be at most the configured cap. A caller asking for real-time with a request
 * that does not fit is answered asynchronously, and the reason says why.
 */
public final class ModeSelector {

    /** Lambda's synchronous invoke payload limit (request and response). */
    public static final long SYNC_INVOKE_MAX_BYTES = 6L * 1024 * 1024;

    /** How the request is answered. */
    public enum Mode {
        REALTIME,
        ASYNC;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the caller asked for ({@code mode} in the request body). */
    public enum RequestedMode {
        AUTO,
        REALTIME,
        ASYNC;

        /** Parses the wire name ({@code auto|realtime|async}); null for anything else. */
        public static RequestedMode parse(String wireName) {
            if (wireName == null) {
                return null;
            }
            return switch (wireName) {
                case "auto" -> AUTO;
                case "realtime" -> REALTIME;
                case "async" -> ASYNC;
                default -> null;
            };
        }
    }

    /** The chosen mode and why. */
    public record Selection(Mode mode, String reason) {
        public Selection {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final int realtimeMaxItems;
    private final long realtimeMaxBodyBytes;

    /**
     * @param realtimeMaxItems largest item count answered in real-time mode
     * @param realtimeMaxBodyBytes largest body answered in real-time mode (at most {@link
     *     #SYNC_INVOKE_MAX_BYTES}; leave room for the response)
     */
    public ModeSelector(int realtimeMaxItems, long realtimeMaxBodyBytes) {
        if (realtimeMaxItems < 1) {
            throw new IllegalArgumentException("realtimeMaxItems must be >= 1, was " + realtimeMaxItems);
        }
        if (realtimeMaxBodyBytes < 1 || realtimeMaxBodyBytes > SYNC_INVOKE_MAX_BYTES) {
            throw new IllegalArgumentException("realtimeMaxBodyBytes must be in 1.." + SYNC_INVOKE_MAX_BYTES);
        }
        this.realtimeMaxItems = realtimeMaxItems;
        this.realtimeMaxBodyBytes = realtimeMaxBodyBytes;
    }

    public Selection select(long bodyBytes, int itemCount, RequestedMode requested) {
        RequestedMode wish = requested == null ? RequestedMode.AUTO : requested;
        if (wish == RequestedMode.ASYNC) {
            return new Selection(Mode.ASYNC, "mode=async requested");
        }
        String tooLarge = null;
        if (bodyBytes > realtimeMaxBodyBytes) {
            tooLarge =
                    "body of " + bodyBytes + " bytes exceeds the real-time limit of " + realtimeMaxBodyBytes + " bytes";
        } else if (itemCount > realtimeMaxItems) {
            tooLarge = itemCount + " items exceed the real-time limit of " + realtimeMaxItems + " items";
        }
        if (tooLarge == null) {
            return new Selection(
                    Mode.REALTIME,
                    wish == RequestedMode.REALTIME ? "mode=realtime requested" : "fits real-time limits");
        }
        return new Selection(
                Mode.ASYNC,
                wish == RequestedMode.REALTIME
                        ? "mode=realtime requested but " + tooLarge + "; answered asynchronously"
                        : tooLarge);
    }

    public int realtimeMaxItems() {
        return realtimeMaxItems;
    }

    public long realtimeMaxBodyBytes() {
        return realtimeMaxBodyBytes;
    }
}
