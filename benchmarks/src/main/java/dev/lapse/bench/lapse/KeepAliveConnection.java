package dev.lapse.bench.lapse;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One persistent HTTP/1.1 connection that posts a JSON body and reads the answer, one call at a time, as a load
 * generator's connection does (wrk's, say): no pooling, no executor hand-offs, no thread per answer. It opens itself
 * again when the server said {@code Connection: close} (Tomcat does after 100 calls on a connection) or when it was
 * idle for a while (so a server's keep-alive timeout never closes it under a call), and otherwise fails the call: a
 * call is never sent twice, since a second submission of the same request id is refused as a duplicate.
 *
 * <p>{@code java.net.http.HttpClient} was the benchmark's REST client before, and it was the bottleneck, not Lapse:
 * with 512 calls in flight it drew about 650 answers a second from a request-service that answered wrk about 1,400
 * (both measured on the project's 2-core machine, load in a process of its own), and in the run's JVM it started a
 * thread for every answer (on two cores {@code CompletableFuture}'s default executor is a thread per task).
 */
final class KeepAliveConnection implements AutoCloseable {

    /** Well under Tomcat's keep-alive timeout (its connection timeout, 60 s unless set). */
    private static final long IDLE_NANOS = 5_000_000_000L;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final InetSocketAddress address;
    private final byte[] head;
    private final int readTimeoutMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private long lastUsedNanos;

    /** A connection to {@code uri}'s host and port that posts to its path with this {@code Authorization} value. */
    KeepAliveConnection(URI uri, String authorization, int readTimeoutMs) {
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        this.address = new InetSocketAddress(uri.getHost(), port);
        this.readTimeoutMs = readTimeoutMs;
        this.head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Authorization: " + authorization + "\r\n"
                + "Content-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** An answer: its status and body. */
    record Answer(int status, String body) {
    }

    /**
     * Posts {@code json} and waits for the answer.
     *
     * @throws IOException when the call could not be made or its answer could not be read
     */
    Answer post(String json) throws IOException {
        if (socket == null || System.nanoTime() - lastUsedNanos > IDLE_NANOS) {
            open();
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] call = new byte[head.length + length.length + body.length];
        System.arraycopy(head, 0, call, 0, head.length);
        System.arraycopy(length, 0, call, head.length, length.length);
        System.arraycopy(body, 0, call, head.length + length.length, body.length);
        try {
            out.write(call);
            out.flush();
            Answer answer = read();
            lastUsedNanos = System.nanoTime();
            return answer;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void open() throws IOException {
        close();
        Socket opened = new Socket();
        opened.setTcpNoDelay(true);
        opened.setSoTimeout(readTimeoutMs);
        opened.connect(address, CONNECT_TIMEOUT_MS);
        socket = opened;
        in = new BufferedInputStream(opened.getInputStream(), 8192);
        out = opened.getOutputStream();
    }

    private Answer read() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x answer: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("no status code in: " + statusLine, e);
        }
        int contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Integer.parseInt(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers carry nothing a caller here reads
            }
        } else if (contentLength > 0) {
            byte[] bytes = in.readNBytes(contentLength);
            if (bytes.length < contentLength) {
                throw new EOFException("the answer ended after " + bytes.length + " of " + contentLength + " bytes");
            }
            body.write(bytes);
        } else if (contentLength < 0) {
            // Neither a length nor chunks: the body runs until the server closes the connection.
            body.write(in.readAllBytes());
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Answer(status, body.toString(StandardCharsets.UTF_8));
    }

    private int chunkSize() throws IOException {
        String sizeLine = line();
        int extension = sizeLine.indexOf(';');
        try {
            return Integer.parseInt((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("not a chunk size: " + sizeLine, e);
        }
    }

    /** One line of ASCII, without its CRLF. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the server closed the connection mid-answer");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is left to do with it
            }
            socket = null;
        }
    }
}
