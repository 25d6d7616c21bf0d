package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lookout.topology.reference.ReferenceViews;

/**
 * Every answer a user could ask an instance for, by path, so that two moments — before and after
 * a restart or a restore — can be compared byte for byte.
 */
public final class Answers {

    private Answers() {
    }

    /**
     * All user pages, recent registrations and alerts, and a sample of the reference's users (now,
     * as of {@code asOf}, their alerts), posts and emails.
     */
    public static Map<String, String> snapshot(final int port, final ReferenceViews.Result reference,
                                               final Instant asOf) {
        final Map<String, String> answers = new LinkedHashMap<>();
        String cursor = null;
        do {
            final String path = "/api/users?limit=500" + (cursor == null ? "" : "&cursor=" + cursor);
            final JsonNode page = ok(port, path, answers).json();
            assertThat(page.get("partial").asBoolean()).isFalse();
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        ok(port, "/api/users/recent?limit=100", answers);
        ok(port, "/api/alerts?limit=500", answers);
        reference.users().keySet().stream().limit(300).forEach(user -> {
            ok(port, "/api/users/" + user, answers);
            answers.put("asOf " + user, Http.get(port, "/api/users/" + user + "?asOf=" + asOf).body());
            ok(port, "/api/users/" + user + "/alerts", answers);
        });
        reference.posts().keySet().stream().limit(300).forEach(post -> ok(port, "/api/posts/" + post, answers));
        reference.emailIndex().keySet().stream().limit(100).forEach(email ->
                ok(port, "/api/users?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8), answers));
        return answers;
    }

    /** Adds the answer of a path that must succeed. */
    public static Http.Answer ok(final int port, final String path, final Map<String, String> answers) {
        final Http.Answer answer = Http.get(port, path);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
        answers.put(path, answer.body());
        return answer;
    }

    /** Equal answers; otherwise names the paths that differ and where the first one does. */
    public static void assertSame(final Map<String, String> actual, final Map<String, String> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        final List<String> differing = expected.keySet().stream()
                .filter(path -> !expected.get(path).equals(actual.get(path))).toList();
        if (!differing.isEmpty()) {
            final String was = expected.get(differing.get(0));
            final String is = actual.get(differing.get(0));
            int at = 0;
            while (at < Math.min(was.length(), is.length()) && was.charAt(at) == is.charAt(at)) {
                at++;
            }
            throw new AssertionError(differing.size() + " answers differ: " + differing + "\nfirst, at " + at
                    + ": was ..." + was.substring(Math.max(0, at - 200), Math.min(was.length(), at + 200))
                    + "\nnow ..." + is.substring(Math.max(0, at - 200), Math.min(is.length(), at + 200)));
        }
    }

    /** A counter of the instance's {@code /metrics}, summed over the series whose labels contain {@code labels}. */
    public static double metric(final int port, final String name, final String labels) {
        return Http.get(port, "/metrics").body().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(labels))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
