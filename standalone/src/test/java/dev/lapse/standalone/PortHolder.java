package dev.lapse.standalone;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A process that is not Lapse's, run by {@link PortRefusalIT}: listens on a port until killed. */
public final class PortHolder {

    private PortHolder() {
    }

    /** Arguments: the address to bind ({@code *} for every address), the port. */
    public static void main(String[] args) throws Exception {
        InetAddress address = "*".equals(args[0]) ? null : InetAddress.getByName(args[0]);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, Integer.parseInt(args[1])));
            System.out.println("holding " + socket.getLocalSocketAddress());
            System.out.flush();
            while (System.in.read() != -1) {
                // block until killed
            }
        }
    }
}
