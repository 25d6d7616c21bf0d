package dev.lookout.topology;

import dev.lookout.schemas.EventContract;

/**
 * Every name the topology uses: topics, state stores, repartitions and processors.
 *
 * <p>Names are part of a deployed application's identity: store names become changelog topics and
 * repartition names become topics ({@code <application.id>-<name>-changelog|repartition}), and
 * Kafka Streams finds a task's state by them. Renaming one needs an application reset, so none is
 * ever generated ({@code ensure.explicit.internal.resource.naming=true}) and all live here. Store
 * names are also the names interactive queries use; they never appear in URLs.
 */
public final class Names {

    private Names() {
    }

    // Public topics: the contract (EventContract) plus the dead-letter topic.
    public static final String USER_EVENTS = EventContract.USER_EVENTS.topic();
    public static final String CONTENT_EVENTS = EventContract.CONTENT_EVENTS.topic();
    public static final String AUTH_EVENTS = EventContract.AUTH_EVENTS.topic();
    public static final String SECURITY_ALERTS = EventContract.SECURITY_ALERTS.topic();
    public static final String DEAD_LETTERS = "lookout.dlq";

    // Stores of the read model (queried over HTTP).
    public static final String USERS_STORE = "users";
    public static final String EMAIL_INDEX_STORE = "email-index";
    public static final String RECENT_REGISTRATIONS_STORE = "recent-registrations";
    /** Each user's applied events with the user as of each, keyed by (user, event time, event id). */
    public static final String USER_HISTORY_STORE = "user-history";
    /** The newest event time the user view has applied: the history retention counts back from it. */
    public static final String USERS_CLOCK_STORE = "users-clock";
    /** The key of {@link #USERS_CLOCK_STORE} that holds the clock, in each partition. */
    public static final String USERS_CLOCK_KEY = "clock";
    /**
     * The key of {@link #USERS_CLOCK_STORE} that holds where the history was last pruned (the start
     * of its retention then), so that a task that starts again does not prune it again too soon.
     */
    public static final String USERS_PRUNED_KEY = "pruned";
    public static final String POSTS_STORE = "posts";
    public static final String ALERTS_BY_USER_STORE = "alerts-by-user";
    public static final String RECENT_ALERTS_STORE = "recent-alerts";

    // Working stores.
    public static final String USER_EVENTS_CLOCK_STORE = "user-events-clock";
    public static final String AUTH_EVENTS_CLOCK_STORE = "auth-events-clock";
    public static final String USER_EVENT_IDS_STORE = "user-event-ids";
    public static final String CONTENT_EVENT_IDS_STORE = "content-event-ids";
    public static final String AUTH_EVENT_IDS_STORE = "auth-event-ids";
    public static final String USER_PARKING_STORE = "user-parking";
    public static final String POST_PARKING_STORE = "post-parking";
    public static final String LOGIN_BUFFER_STORE = "login-buffer";
    public static final String LOGIN_EPISODES_STORE = "login-episodes";
    public static final String IP_BUFFER_STORE = "ip-buffer";
    public static final String IP_EPISODES_STORE = "ip-episodes";
    public static final String LOGIN_CLOCK_STORE = "login-clock";
    public static final String IP_WATERMARKS_STORE = "ip-watermarks";

    // Repartitions (topic <application.id>-<name>-repartition).
    public static final String AUTHOR_ACTIVITY_REPARTITION = "author-activity";
    public static final String EMAIL_CLAIMS_REPARTITION = "email-claims";
    public static final String FAILURES_BY_IP_REPARTITION = "failures-by-ip";

    // Processors, sources and sinks.
    public static final String USER_EVENTS_SOURCE = "user-events-source";
    public static final String USER_EVENTS_GUARD = "user-events-guard";
    public static final String USER_EVENTS_DEDUP = "user-events-dedup";
    public static final String USER_VIEW = "user-view";
    public static final String USER_VIEW_INPUT = "user-view-input";
    public static final String USER_VIEW_BRANCH = "user-view-";
    public static final String CONTENT_EVENTS_SOURCE = "content-events-source";
    public static final String CONTENT_EVENTS_GUARD = "content-events-guard";
    public static final String CONTENT_EVENTS_DEDUP = "content-events-dedup";
    public static final String POST_VIEW = "post-view";
    public static final String POST_VIEW_BRANCH = "post-view-";
    public static final String EMAIL_INDEX = "email-index-update";
    public static final String AUTH_EVENTS_SOURCE = "auth-events-source";
    public static final String AUTH_EVENTS_GUARD = "auth-events-guard";
    public static final String AUTH_EVENTS_DEDUP = "auth-events-dedup";
    public static final String LOGIN_DETECTOR = "login-detector";
    public static final String LOGIN_DETECTOR_BRANCH = "login-detector-";
    public static final String STUFFING_DETECTOR = "stuffing-detector";
    public static final String STUFFING_DETECTOR_BRANCH = "stuffing-detector-";
    public static final String ALERTS_SOURCE = "security-alerts-source";
    public static final String ALERT_VIEW = "alert-view";

    // Branch names: appended to the *_BRANCH prefixes above by the DSL.
    public static final String BRANCH_DEAD_LETTERS = "dead-letters";
    public static final String BRANCH_EMAIL_CLAIMS = "email-claims";
    public static final String BRANCH_AUTHOR_ACTIVITY = "author-activity";
    public static final String BRANCH_ALERTS = "alerts";
    public static final String BRANCH_FAILURES = "failures";

    /** The processor that unwraps a branch's values, e.g. {@code user-view-email-claims-unwrap}. */
    public static String unwrap(final String branchPrefix, final String branch) {
        return branchPrefix + branch + "-unwrap";
    }

    /** The sink of a branch, e.g. {@code user-view-dead-letters-sink}. */
    public static String sink(final String branchPrefix, final String branch) {
        return branchPrefix + branch + "-sink";
    }
}
