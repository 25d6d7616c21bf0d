package dev.lookout.app.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lookout.app.query.DeadLetterAdmin;
import dev.lookout.app.query.DeadLetterDto;
import dev.lookout.app.query.DeadLetterFilter;
import dev.lookout.app.query.RedriveReport;

/** Dead letters held in memory, and the calls the routes made. */
final class FakeDeadLetters implements DeadLetterAdmin {

    final List<DeadLetterDto> letters = new ArrayList<>();
    final List<String> calls = new ArrayList<>();

    static DeadLetterDto letter(final String id, final String reason, final Instant at) {
        return new DeadLetterDto(id, at, "post-view", reason, new DeadLetterDto.Origin("content-events", 0, 4L, at),
                "dev.lookout.topology.deadletter.RejectedRecordException", "post p-404 was not published", "p-404",
                42, Map.of(), null);
    }

    @Override
    public List<DeadLetterDto> newest(final DeadLetterFilter filter, final int limit) {
        calls.add("newest " + filter + " " + limit);
        return letters.stream().filter(filter::matches).limit(limit).toList();
    }

    @Override
    public Optional<Shown> show(final String id) {
        return letters.stream().filter(letter -> letter.id().equals(id)).findFirst()
                .map(letter -> new Shown(letter, null, null));
    }

    @Override
    public RedriveReport redrive(final DeadLetterFilter filter, final int limit, final boolean force,
                                 final boolean dryRun) {
        calls.add("redrive " + filter + " " + limit + " force=" + force + " dryRun=" + dryRun);
        return new RedriveReport(dryRun, letters.stream().filter(filter::matches)
                .map(letter -> new RedriveReport.Sent(letter.id(), letter.reason(), "content-events/0/99")).toList(),
                List.of());
    }
}
