package dev.lapse.policy.rules;

/** The text of one policy file and the name its errors are reported under. */
public record PolicySource(String name, String text) {
}
