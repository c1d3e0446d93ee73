package dev.lapse.bench.lapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeepAliveConnectionTest {

    /** Answers each call on a connection with the next of its canned answers, and records the bodies posted. */
    private static final class CannedServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final Thread thread;

        CannedServer(List<String> answers) throws IOException {
            thread = new Thread(() -> serve(answers), "canned-http");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1/requests");
        }

        private void serve(List<String> answers) {
            int next = 0;
            while (next < answers.size()) {
                try (Socket connection = socket.accept()) {
                    connections.incrementAndGet();
                    InputStream in = new BufferedInputStream(connection.getInputStream());
                    OutputStream out = connection.getOutputStream();
                    while (next < answers.size()) {
                        int length = -1;
                        String line = line(in);
                        if (line == null) {
                            break;
                        }
                        for (line = line(in); !line.isEmpty(); line = line(in)) {
                            if (line.toLowerCase().startsWith("content-length:")) {
                                length = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                        bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                        String answer = answers.get(next++);
                        out.write(answer.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        if (answer.contains("Connection: close")) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** A line without its CRLF; null at the end of the stream. */
        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return null;
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private CannedServer server(String... answers) throws IOException {
        CannedServer server = new CannedServer(List.of(answers));
        open.add(server);
        return server;
    }

    private KeepAliveConnection connection(CannedServer server) {
        KeepAliveConnection connection = new KeepAliveConnection(server.uri(), "Bearer t", 5_000);
        open.add(connection);
        return connection;
    }

    @Test
    void post_readsLengthAndChunkedAnswers_onOneConnection() throws IOException {
        CannedServer server = server(
                "HTTP/1.1 202 \r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"a\": 1}\n",
                "HTTP/1.1 409 \r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"b\"\r\n5;x=y\r\n: 2}\n\r\n0\r\n\r\n");
        KeepAliveConnection connection = connection(server);

        assertThat(connection.post("{\"id\": \"é1\"}")).isEqualTo(new KeepAliveConnection.Answer(202, "{\"a\": 1}\n"));
        assertThat(connection.post("{\"id\": 2}")).isEqualTo(new KeepAliveConnection.Answer(409, "{\"b\": 2}\n"));
        assertThat(server.bodies).containsExactly("{\"id\": \"é1\"}", "{\"id\": 2}");
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void post_opensAgain_afterTheServerSaidClose() throws IOException {
        CannedServer server = server(
                "HTTP/1.1 202 \r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 202 \r\nContent-Length: 2\r\n\r\nok");
        KeepAliveConnection connection = connection(server);

        assertThat(connection.post("1").status()).isEqualTo(202);
        assertThat(connection.post("2")).isEqualTo(new KeepAliveConnection.Answer(202, "ok"));
        assertThat(server.connections).hasValue(2);
    }

    @Test
    void post_fails_whenTheAnswerIsCutShort_andDoesNotSendTheCallAgain() throws IOException {
        CannedServer server = server("HTTP/1.1 202 \r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort");
        KeepAliveConnection connection = connection(server);

        assertThatThrownBy(() -> connection.post("1")).isInstanceOf(IOException.class)
                .hasMessageContaining("5 of 10 bytes");
        assertThat(server.bodies).containsExactly("1");
    }
}
