package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import dev.lookout.app.security.ApiKey;
import dev.lookout.app.security.Scope;
import dev.lookout.app.testing.TestCertificates;
import dev.lookout.topology.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real instances (child JVMs) serving HTTPS with API keys, over six partitions of a real
 * broker: a key's request is answered by whichever instance owns the user, forwarded across
 * instances with a signed call; scopes, a missing key, an unsigned internal call and an
 * untrusting client are refused; and the whole run's log holds no email and no token.
 */
@Timeout(300)
class SecureApiIT {

    private static final int USERS = 24;

    @Test
    void twoInstancesWithTlsAndKeysForwardAKeysRequestAndLeakNothing(@TempDir final Path dir) throws Exception {
        final TestCertificates certificates = TestCertificates.create(dir.resolve("tls"), "lookout");
        final String readerToken = ApiKey.newToken();
        final String watcherToken = ApiKey.newToken();
        final String keys = ApiKey.spec("reader", readerToken, EnumSet.of(Scope.READ_USERS)) + ";"
                + ApiKey.spec("watcher", watcherToken, EnumSet.of(Scope.READ_ALERTS));
        // Secrets go in the config file, as the README advises, rather than on the command line.
        final String secret = ApiKey.newToken().substring(3);
        final Path config = Files.writeString(dir.resolve("lookout.properties"), String.join("\n",
                "internal-secret=" + secret,
                "tls-keystore-password=" + certificates.password(),
                "tls-truststore-password=" + certificates.password()));
        final Map<String, String> reader = Map.of("Authorization", "Bearer " + readerToken);
        final Map<String, String> watcher = Map.of("Authorization", "Bearer " + watcherToken);
        final List<String> emails = new ArrayList<>();

        try (TestSystem system = new TestSystem(TestCluster.Kind.EMBEDDED, dir);
             EventProducer producer = system.producer()) {
            final List<ChildApp> instances = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                final List<String> args = system.instanceArgs("--partitions", "6", "--config", config.toString(),
                        "--api-key", keys,
                        "--tls-keystore", certificates.keyStore().toString(),
                        "--tls-truststore", certificates.trustStore().toString());
                instances.add(ChildApp.start(args, dir.resolve("instance-" + i + ".log"),
                        certificates.clientContext()));
            }
            for (final ChildApp instance : instances) {
                instance.awaitReady(Duration.ofSeconds(120));
            }
            final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < USERS; i++) {
                final String email = "person." + i + "@example.com";
                emails.add(email);
                producer.send(Events.registered("r-" + i, user(i), email, "Person " + i, now.plusMillis(i)));
            }
            producer.flush();
            final ChildApp first = instances.get(0);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> allVisible(first, reader));

            // Every user answers at the first instance; some are owned by, and served from, the second.
            final List<String> servers = new ArrayList<>();
            String remoteUser = null;
            for (int i = 0; i < USERS; i++) {
                final Http.Answer answer = first.get("/api/users/" + user(i), reader);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                assertThat(answer.json().get("email").asText()).isEqualTo(emails.get(i));
                servers.add(answer.servedBy());
                if (!answer.servedBy().equals("localhost:" + first.port())) {
                    remoteUser = user(i);
                }
            }
            assertThat(servers).as("both instances own users").containsOnly("localhost:" + first.port(),
                    "localhost:" + instances.get(1).port());
            assertThat(servers.stream().distinct()).hasSize(2);
            final String email = emails.get(Integer.parseInt(remoteUser.substring(2)));
            assertThat(first.get("/api/users?email=" + email, reader).json().get("userId").asText())
                    .isEqualTo(remoteUser);

            // Refusals, with the email in the query of the refused request (the log must mask it).
            final Http.Answer noKey = first.get("/api/users/" + remoteUser, Map.of());
            assertThat(noKey.status()).isEqualTo(401);
            assertThat(first.get("/api/users?email=" + email, watcher).status()).isEqualTo(403);
            assertThat(first.get("/api/alerts?limit=5", watcher).status()).isEqualTo(200);
            assertThat(first.get("/api/alerts?limit=5", reader).status()).isEqualTo(403);
            assertThat(first.get("/api/users/" + remoteUser, Map.of("Authorization", "Bearer lk_guessed")).body())
                    .isEqualTo(noKey.body());
            final ChildApp second = instances.get(1);
            final Http.Answer direct = second.get("/internal/users/" + remoteUser, reader);
            assertThat(direct.status()).as("an internal route refuses an unsigned call, even with a key")
                    .isEqualTo(401);
            assertThat(direct.body()).doesNotContain(email);
            assertThat(first.get("/health/ready", Map.of()).status()).isEqualTo(200);
            final HttpClient untrusting = HttpClient.newHttpClient();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + first.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(SSLHandshakeException.class);

            for (final ChildApp instance : instances) {
                instance.stop();
            }
            final List<String> log = new ArrayList<>();
            instances.forEach(instance -> log.addAll(instance.output()));
            assertThat(log).as("the refusals were logged").anySatisfy(line -> assertThat(line)
                    .contains("Refused GET /api/users?email=p***@example.com").contains("(key watcher)"));
            assertThat(log).anySatisfy(line -> assertThat(line).contains("a credential that matches no key"));
            for (final String line : log) {
                assertThat(line).doesNotContain(readerToken.substring(3)).doesNotContain(watcherToken.substring(3))
                        .doesNotContain("lk_guessed").doesNotContain(certificates.password()).doesNotContain(secret);
                for (final String address : emails) {
                    assertThat(line).doesNotContain(address);
                }
            }
            System.out.printf("SECURE-API: %d users over two HTTPS instances, %d served by the second, "
                    + "%d log lines without a leak%n", USERS,
                    servers.stream().filter(s -> !s.equals("localhost:" + first.port())).count(), log.size());
        }
    }

    private static boolean allVisible(final ChildApp instance, final Map<String, String> key) {
        for (int i = 0; i < USERS; i++) {
            if (instance.get("/api/users/" + user(i), key).status() != 200) {
                return false;
            }
        }
        return true;
    }

    private static String user(final int i) {
        return String.format("u-%02d", i);
    }
}
