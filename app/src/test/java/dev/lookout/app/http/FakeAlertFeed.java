package dev.lookout.app.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.lookout.app.query.AlertDto;
import dev.lookout.app.query.AlertFeed;

/** Delivers a fixed list of alerts, positions "0:1", "0:2", ..., after the position asked for. */
final class FakeAlertFeed implements AlertFeed {

    final List<AlertDto> alerts = new CopyOnWriteArrayList<>();
    final List<String> subscribedFrom = new CopyOnWriteArrayList<>();
    volatile int closed;

    @Override
    public void checkPosition(final String position) {
        if (!position.matches("0:\\d+")) {
            throw new IllegalArgumentException("position must be partition:offset pairs");
        }
    }

    @Override
    public Subscription subscribe(final String position, final Consumer<Delivery> deliveries) {
        subscribedFrom.add(String.valueOf(position));
        final int from = position == null ? 0 : Integer.parseInt(position.substring(2));
        final Thread thread = new Thread(() -> {
            for (int i = from; i < alerts.size(); i++) {
                deliveries.accept(new Delivery(alerts.get(i), "0:" + (i + 1)));
            }
        });
        thread.setDaemon(true);
        thread.start();
        return () -> closed++;
    }
}
