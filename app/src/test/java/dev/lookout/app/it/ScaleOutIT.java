package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.app.LookoutApp;
import dev.lookout.topology.Events;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two instances of one application (own state directories and ports, one application id) over
 * six partitions: every key answers correctly from either instance, lists are complete and say
 * {@code partial:false}, and paging returns each user exactly once.
 */
@Timeout(300)
class ScaleOutIT {

    private static final int USERS = 60;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestCluster.Kind.class, names = {"EMBEDDED", "CONTAINER"})
    void shouldAnswerEveryKeyFromEitherInstanceAndListEverything(final TestCluster.Kind kind, @TempDir final Path dir)
            throws Exception {
        assumeThat(TestCluster.unavailableReason(kind)).as(TestCluster.unavailableReason(kind)).isNull();
        try (TestSystem system = new TestSystem(kind, dir); EventProducer producer = system.producer()) {
            final LookoutApp a = system.startApp("--partitions", "6");
            final LookoutApp b = system.startApp("--partitions", "6");
            final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < USERS; i++) {
                producer.send(Events.registered("r-" + i, user(i), user(i) + "@example.com", "User " + i,
                        now.plusMillis(i)));
            }
            for (int p = 0; p < 20; p++) {
                producer.send(Events.post("p-" + p, "post-" + p, user(p), "Post " + p, now.plusSeconds(1)));
                producer.send(Events.comment("c-" + p, "cm-" + p, "post-" + p, user(p + 1), now.plusSeconds(2)));
            }
            final List<Integer> ports = List.of(a.httpPort(), b.httpPort());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ports.stream().allMatch(port -> complete(port)));

            final Set<String> servers = new HashSet<>();
            for (int i = 0; i < USERS; i++) {
                JsonNode first = null;
                for (final int port : ports) {
                    final Http.Answer answer = Http.get(port, "/api/users/" + user(i));
                    assertThat(answer.status()).as("%s from %d", user(i), port).isEqualTo(200);
                    assertThat(answer.json().get("email").asText()).isEqualTo(user(i) + "@example.com");
                    servers.add(answer.servedBy());
                    if (first == null) {
                        first = answer.json();
                    } else {
                        assertThat(answer.json()).as("the same answer from both instances").isEqualTo(first);
                    }
                    // The email index is a view of its own, maintained after the user view.
                    final String byEmail = "/api/users?email=" + user(i) + "@EXAMPLE.com";
                    final Http.Answer found = await().atMost(Duration.ofSeconds(30))
                            .until(() -> Http.get(port, byEmail), got -> got.status() != 404);
                    assertThat(found.status()).isEqualTo(200);
                    assertThat(found.json().get("userId").asText()).isEqualTo(user(i));
                }
            }
            assertThat(servers).as("both instances own keys").containsExactlyInAnyOrder(
                    a.config().applicationServer(), b.config().applicationServer());
            for (int p = 0; p < 20; p++) {
                final String path = "/api/posts/post-" + p;
                for (final int port : ports) {
                    final JsonNode post = await().atMost(Duration.ofSeconds(30))
                            .until(() -> Http.get(port, path).json(), json -> json.path("commentCount").asInt() == 1);
                    assertThat(post.get("authorId").asText()).isEqualTo(user(p));
                }
            }
            for (final int port : ports) {
                assertThat(pageThrough(port, 7)).hasSize(USERS).doesNotHaveDuplicates().isSorted();
                final JsonNode recent = Http.get(port, "/api/users/recent?limit=5").json();
                assertThat(recent.get("partial").asBoolean()).isFalse();
                assertThat(recent.get("items")).extracting(user -> user.get("userId").asText())
                        .containsExactly(user(59), user(58), user(57), user(56), user(55));
            }
            // Both instances now keep these pages: a new user must still show on each.
            producer.send(Events.registered("r-new", "user-new", "new@example.com", "New", now.plusSeconds(3)));
            for (final int port : ports) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    final JsonNode recent = Http.get(port, "/api/users/recent?limit=1").json();
                    assertThat(recent.get("items")).extracting(user -> user.get("userId").asText())
                            .containsExactly("user-new");
                    assertThat(Http.get(port, "/api/users?limit=500").json().get("items")).hasSize(USERS + 1);
                });
            }
        }
    }

    /**
     * Every user listed, with every post and comment counted for its author: the author activity
     * reaches the user view through a repartition, after the registrations.
     */
    private static boolean complete(final int port) {
        final Http.Answer answer = Http.get(port, "/api/users?limit=500");
        if (answer.status() != 200 || answer.json().get("partial").asBoolean()
                || answer.json().get("items").size() != USERS) {
            return false;
        }
        long posts = 0;
        long comments = 0;
        for (final JsonNode user : answer.json().get("items")) {
            posts += user.get("postCount").asLong();
            comments += user.get("commentCount").asLong();
        }
        return posts == 20 && comments == 20;
    }

    private static List<String> pageThrough(final int port, final int limit) {
        final List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            final JsonNode page = Http.get(port, "/api/users?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            assertThat(page.get("partial").asBoolean()).isFalse();
            page.get("items").forEach(item -> ids.add(item.get("userId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return ids;
    }

    private static String user(final int i) {
        return String.format("user-%03d", i);
    }
}
