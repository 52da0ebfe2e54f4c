package dev.sieve.worker;

/** Marks the task as protected from scale-in while it holds work (ECS task protection). */
public interface TaskProtection {

    /** Enables protection for {@code minutes}, or disables it when {@code minutes} is 0. */
    void set(boolean enabled, int minutes);

    /** Outside ECS: does nothing. */
    static TaskProtection none() {
        return (enabled, minutes) -> {};
    }
}
