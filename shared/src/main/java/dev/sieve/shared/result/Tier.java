package dev.sieve.shared.result;

/** Which tier answered an item. */
public enum Tier {
    GATE,
    EXPERT
}
