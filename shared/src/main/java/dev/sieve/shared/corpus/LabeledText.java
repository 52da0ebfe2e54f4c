package dev.sieve.shared.corpus;

/** One labelled document of a corpus split. */
public record LabeledText(String id, String text, String label) {}
