package dev.lookout.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.lookout.app.query.LocalSlice;
import org.junit.jupiter.api.Test;

class ListCacheTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ListCache cache = new ListCache(nanos::get);
    private final AtomicInteger reads = new AtomicInteger();

    private LocalSlice<String> read() {
        reads.incrementAndGet();
        return new LocalSlice<>(List.of("u-" + reads.get()), Set.of(0));
    }

    private void advance(final Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void shouldServeAKeptValueOnlyUnderItsVersion() {
        final ListCache.Kept<LocalSlice<String>> first = cache.get("slice", "v1", this::read);

        assertThat(cache.get("slice", "v1", this::read)).isSameAs(first);
        assertThat(cache.<LocalSlice<String>>current("slice", "v2")).isNull();
        assertThat(cache.get("slice", "v2", this::read).value().items()).containsExactly("u-2");
        assertThat(cache.<LocalSlice<String>>current("slice", "v1")).as("replaced by v2").isNull();
    }

    @Test
    void shouldKeepNothingWithoutAVersion() {
        cache.get("slice", null, this::read);
        cache.get("slice", null, this::read);

        assertThat(reads).hasValue(2);
        assertThat(cache.<LocalSlice<String>>any("slice")).isNull();
    }

    @Test
    void shouldServeNothingReadLongerAgoThanTheMaximumAgeWhateverItsVersion() {
        cache.get("slice", "v1", this::read);
        advance(ListCache.MAX_AGE.minusMillis(1));
        assertThat(cache.<LocalSlice<String>>current("slice", "v1")).isNotNull();
        assertThat(cache.<LocalSlice<String>>any("slice")).isNotNull();

        advance(Duration.ofMillis(1));

        assertThat(cache.<LocalSlice<String>>current("slice", "v1")).isNull();
        assertThat(cache.<LocalSlice<String>>any("slice")).isNull();
        assertThat(cache.get("slice", "v1", this::read).value().items()).containsExactly("u-2");
    }

    @Test
    void shouldAgeAValueFromTheReadItWasMadeOfNotFromWhenItWasKept() {
        final ListCache.Kept<LocalSlice<String>> slice = cache.get("slice", "v1", this::read);
        advance(ListCache.MAX_AGE.dividedBy(2));
        cache.keep("page", "v1", new byte[] {1}, slice.readAtNanos());
        assertThat(cache.<byte[]>current("page", "v1")).isNotNull();

        advance(ListCache.MAX_AGE.dividedBy(2));

        assertThat(cache.<byte[]>current("page", "v1")).as("made of a slice read a whole MAX_AGE ago").isNull();
    }

    @Test
    void shouldRoundAnAgeUpToTheMillisecond() {
        final ListCache.Kept<LocalSlice<String>> slice = cache.get("slice", "v1", this::read);
        assertThat(cache.ageMillis(slice)).isZero();

        advance(Duration.ofNanos(1));

        assertThat(cache.ageMillis(slice)).isEqualTo(1);
    }
}
