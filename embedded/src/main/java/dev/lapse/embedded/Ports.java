package dev.lapse.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.jspecify.annotations.Nullable;

/** TCP ports on this machine: is one free to listen on, and which one is free now. */
public final class Ports {

    private Ports() {
    }

    /**
     * Whether a server could listen on a port now: it binds and releases it. {@code SO_REUSEADDR} is set, as
     * Kafka and Tomcat set it, so connections of a stopped server that linger in TIME_WAIT do not count as in use.
     *
     * @param address the address the server will bind, or null for every address (the wildcard)
     */
    public static boolean isFree(@Nullable InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that is free on loopback now; another process may take it before it is used. */
    public static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on loopback", e);
        }
    }
}
