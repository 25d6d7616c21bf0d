package dev.lookout.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class VersionWaitsTest {

    private final AtomicReference<String> version = new AtomicReference<>("\"v1\"");
    private final AtomicLong clock = new AtomicLong();

    @Test
    void shouldAnswerAWaitOnceTheVersionChanges() {
        try (VersionWaits waits = new VersionWaits(version::get, clock::get)) {
            final CompletableFuture<String> answer = waits.changedFrom("\"v1\"", Duration.ofSeconds(10));
            waits.check();
            assertThat(answer).isNotDone();

            version.set("\"v2\"");

            await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
            assertThat(answer.join()).isEqualTo("\"v2\"");
            assertThat(waits.waiting()).isZero();
        }
    }

    @Test
    void shouldAnswerTheKnownVersionWhenTheWaitIsOver() {
        try (VersionWaits waits = new VersionWaits(version::get, clock::get)) {
            final CompletableFuture<String> answer = waits.changedFrom("\"v1\"", Duration.ofMillis(100));
            clock.addAndGet(Duration.ofMillis(99).toNanos());
            waits.check();
            assertThat(answer).isNotDone();

            clock.addAndGet(Duration.ofMillis(1).toNanos());
            waits.check();

            assertThat(answer).isCompletedWithValue("\"v1\"");
        }
    }

    @Test
    void shouldTellAWaiterThereIsNoVersionWhileNoneCanBeRead() {
        try (VersionWaits waits = new VersionWaits(() -> {
            throw new IllegalStateException("not started");
        }, clock::get)) {
            final CompletableFuture<String> answer = waits.changedFrom("\"v1\"", Duration.ofSeconds(10));
            waits.check();

            assertThat(answer).isCompletedWithValue(null);
        }
    }

    @Test
    void shouldRefuseWaitsBeyondTheBoundAndAnswerTheRestOnClose() {
        final List<CompletableFuture<String>> answers = new ArrayList<>();
        final VersionWaits waits = new VersionWaits(version::get, clock::get);
        for (int i = 0; i < VersionWaits.MAX_WAITING; i++) {
            answers.add(waits.changedFrom("\"v1\"", Duration.ofSeconds(10)));
        }

        assertThatThrownBy(() -> waits.changedFrom("\"v1\"", Duration.ofSeconds(10)))
                .isInstanceOf(ApiError.class).hasMessageContaining("wait");
        waits.close();
        assertThat(answers).allSatisfy(answer -> assertThat(answer).isCompletedWithValue(null));
    }
}
