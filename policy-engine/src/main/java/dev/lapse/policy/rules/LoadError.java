package dev.lapse.policy.rules;

/** What is wrong in a policy file, and where: file name, 1-based line (0 when the file as a whole is at fault). */
public record LoadError(String file, int line, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
