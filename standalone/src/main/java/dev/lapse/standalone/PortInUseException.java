package dev.lapse.standalone;

/** A port Lapse needs is held by a process Lapse does not own; the message is the one line a user reads. */
public final class PortInUseException extends RuntimeException {

    PortInUseException(String part, int port) {
        super("port " + port + ", needed by " + part + ", is in use by a process Lapse does not own; stop that"
                + " process (ss -ltnp 'sport = :" + port + "' names it) or choose another port (-Dlapse.port."
                + part + "=...)", null, false, false);
    }
}
