package dev.lookout.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request whose URI cannot be decoded gets a JSON 400, and a keep-alive client can tell what
 * happens to its connection: either it stays open for the next request, or the answer says
 * {@code Connection: close}. Sent over a raw socket, as a keep-alive client or a fuzzer would.
 */
@Timeout(30)
class MalformedUriTest {

    private ApiServer server;

    @BeforeEach
    void start() {
        server = ApiServer.start(ApiServer.Settings.defaults("localhost", 0), new FakeReadModel(),
                new FakeAlertFeed(), () -> true, () -> "");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One answer read off a keep-alive connection: status line, headers, body by Content-Length. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/users/%ZZ", "/api/users/%E0%A4%A", "/api/users/a%00b", "/api/posts/%", "/%C0%AF"})
    void aMalformedUriGetsAJson400AndTheConnectionIsEitherKeptOrClosedAsAnnounced(final String path)
            throws IOException {
        try (Socket socket = new Socket("localhost", server.port())) {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            out.write(request(path));
            final Answer bad = read(in);
            assertThat(bad.status()).as(path).isEqualTo(400);
            assertThat(bad.headers().get("content-type")).startsWith("application/json");
            assertThat(bad.body()).contains("\"error\"");
            if ("close".equalsIgnoreCase(bad.headers().get("connection"))) {
                assertThat(in.read()).as("announced close: the server closes").isEqualTo(-1);
                return;
            }
            out.write(request("/health/live"));
            assertThat(read(in).status()).as("the next request on the same connection").isEqualTo(200);
        }
    }

    @Test
    void aKeepAliveClientNeverMeetsAConnectionClosedWithoutNotice() throws IOException {
        final SplittableRandom random = new SplittableRandom(2026);
        final String[] pieces = {"a", "%20", "%ZZ", "%E0%A4%A", "%00", "%", "%C3%A9", "/", "u-1", "%FF", "%2F", "?x=%ZZ"};
        int answered = 0;
        int reconnects = 0;
        Socket socket = new Socket("localhost", server.port());
        try {
            for (int i = 0; i < 1_000; i++) {
                final StringBuilder path = new StringBuilder("/api/users/");
                for (int k = random.nextInt(1, 4); k > 0; k--) {
                    path.append(pieces[random.nextInt(pieces.length)]);
                }
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request(path.toString()));
                final Answer answer = read(socket.getInputStream());
                assertThat(answer.status()).as(path.toString()).isBetween(200, 499);
                answered++;
                if ("close".equalsIgnoreCase(answer.headers().get("connection"))) {
                    socket.close();
                    socket = new Socket("localhost", server.port());
                    reconnects++;
                }
            }
        } finally {
            socket.close();
        }
        assertThat(answered).isEqualTo(1_000);
        assertThat(reconnects).as("some answers closed the connection, each announced").isPositive();
    }

    private static byte[] request(final String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Answer read(final InputStream in) throws IOException {
        final String statusLine = line(in);
        assertThat(statusLine).as("a status line, not a dropped connection").startsWith("HTTP/1.1 ");
        final Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            final int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        final byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(final InputStream in) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int next = in.read(); next != '\n'; next = in.read()) {
            if (next == -1) {
                return bytes.size() == 0 ? "<closed>" : bytes.toString(StandardCharsets.ISO_8859_1);
            }
            if (next != '\r') {
                bytes.write(next);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

}
