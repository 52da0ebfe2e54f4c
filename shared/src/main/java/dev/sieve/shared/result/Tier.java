package dev.sieve.shared.result;

/** Which tier answered an item; on the wire the lower-case name ({@code gate_fallback}). */
public enum Tier {
    GATE,
    EXPERT,
    /** the expert's earlier answer for the same normalized text and bundle version (response cache) */
    CACHE,
    /** the gate's label, given because the deadline passed before the expert ran (the caller allowed it) */
    GATE_FALLBACK
}
