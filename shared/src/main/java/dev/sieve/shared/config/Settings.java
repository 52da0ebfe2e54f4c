package dev.sieve.shared.config;

import java.util.Map;
import java.util.Objects;

/**
 * Typed, validated reads from an environment map. Configuration records use it in their
 * {@code fromEnvironment(Map)} factories so that every bad setting fails at start with the same kind
 * of message: which variable, what it was, what is allowed.
 */
public final class Settings {
    private final Map<String, String> env;

    private Settings(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    public static Settings of(Map<String, String> env) {
        return new Settings(env);
    }

    public String required(String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigException(name + " is not set; it is required");
        }
        return value.trim();
    }

    public String optional(String name, String defaultValue) {
        String value = env.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public int intInRange(String name, int defaultValue, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "='" + raw + "' is not a whole number; allowed " + min + ".." + max);
        }
        if (value < min || value > max) {
            throw new ConfigException(name + "=" + value + " is out of range; allowed " + min + ".." + max);
        }
        return value;
    }

    public long longInRange(String name, long defaultValue, long min, long max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + "='" + raw + "' is not a whole number; allowed " + min + ".." + max);
        }
        if (value < min || value > max) {
            throw new ConfigException(name + "=" + value + " is out of range; allowed " + min + ".." + max);
        }
        return value;
    }
}
