package dev.sieve.shared.config;

/** A setting is missing or invalid. The message names the setting, the value's problem and the fix. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
