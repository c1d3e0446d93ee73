package dev.lapse.embedded;

import java.nio.file.Path;

/**
 * A stand-in for the standalone launcher, run as its own JVM by {@link RegistryOrphanIT}: starts a registry with a
 * data directory, says so, and waits to be killed.
 */
public final class RegistryLauncher {

    private RegistryLauncher() {
    }

    /** Arguments: the registry distribution's directory, the port, the data directory. */
    public static void main(String[] args) throws Exception {
        SchemaRegistryProcess registry = SchemaRegistryProcess.start(Path.of(args[0]), Integer.parseInt(args[1]),
                Path.of(args[2]));
        System.out.println("ready " + registry.pid());
        System.out.flush();
        // Block until killed; stdin stays open for as long as the test holds the process.
        while (System.in.read() != -1) {
            // nothing to read: the test never writes
        }
    }
}
