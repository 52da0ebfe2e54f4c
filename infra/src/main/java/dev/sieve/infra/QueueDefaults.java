package dev.sieve.infra;

/**
 * Queue settings the infra shares with local mode. Mirrors {@code dev.sieve.shared.config.ResourceDefaults}
 * until that class lands on main; then this class delegates to it.
 */
final class QueueDefaults {
    private QueueDefaults() {}

    static final int MAX_RECEIVE_COUNT = 5;
    static final int VISIBILITY_TIMEOUT_SECONDS = 60;
    static final int RECEIVE_WAIT_SECONDS = 20;
    static final int MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600;
    static final int DLQ_MESSAGE_RETENTION_SECONDS = 14 * 24 * 3600;
}
