package dev.lapse.audit.log;

import dev.lapse.audit.chain.Verification;
import java.io.IOException;
import java.nio.file.Path;

/** A chain file does not verify, so it is neither appended to nor read from; {@link #broken()} says where and why. */
public final class AuditLogCorruptedException extends IOException {

    private final Verification.Broken broken;

    AuditLogCorruptedException(Path file, Verification.Broken broken) {
        super(file + " does not verify"
                + (broken.offset() == Verification.Broken.UNKNOWN_OFFSET ? "" : " at offset " + broken.offset())
                + ": " + broken.reason());
        this.broken = broken;
    }

    /** Where the chain in the file breaks, and why. */
    public Verification.Broken broken() {
        return broken;
    }
}
