package dev.lookout.app.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks of {@code docker-compose.yml} against the app and its image. Each check returns the
 * problems it finds, one sentence each, so that a test can also show that it rejects a broken file.
 *
 * <p>A service "runs Lookout" when it builds the image or uses an image named {@code lookout};
 * it is a demo producer when its command is {@code demo ...}, and a Lookout instance otherwise.
 */
final class ComposeChecks {

    private static final String HEALTHY = "service_healthy";
    private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    private static final Pattern URL = Pattern.compile("https?://([^/:\\s\"']+)(?::(\\d+))?(/[^\\s\"'?]*)?");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|us|h|m|s)");

    private ComposeChecks() {
    }

    /** One published port: {@code host} is null when the port is not published on the host. */
    record Port(String host, int container, String protocol) {
    }

    /** One service of the file. */
    record Service(String name, JsonNode node) {

        Map<String, String> environment() {
            final Map<String, String> variables = new LinkedHashMap<>();
            final JsonNode environment = node.path("environment");
            if (environment.isObject()) {
                environment.properties().forEach(entry ->
                        variables.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asText()));
            } else {
                environment.forEach(entry -> {
                    final String[] pair = entry.asText().split("=", 2);
                    variables.put(pair[0], pair.length < 2 ? "" : pair[1]);
                });
            }
            return variables;
        }

        /** The environment the app sees: the image's {@code ENV}, then the service's. */
        Map<String, String> environment(final DockerImage image) {
            final Map<String, String> variables = new HashMap<>(image.environment());
            variables.putAll(environment());
            return variables;
        }

        List<String> command() {
            final JsonNode command = node.path("command");
            if (command.isTextual()) {
                return List.of(command.asText().strip().split("\\s+"));
            }
            final List<String> words = new ArrayList<>();
            command.forEach(word -> words.add(word.asText()));
            return words;
        }

        boolean runsLookout() {
            return node.has("build") || node.path("image").asText().split(":", 2)[0].equals("lookout");
        }

        boolean isDemo() {
            final List<String> command = command();
            return runsLookout() && !command.isEmpty() && command.get(0).equals(AppFacts.DEMO);
        }

        boolean isInstance() {
            return runsLookout() && !isDemo();
        }

        List<String> profiles() {
            final List<String> profiles = new ArrayList<>();
            node.path("profiles").forEach(profile -> profiles.add(profile.asText()));
            return profiles;
        }

        List<Port> ports() {
            final List<Port> ports = new ArrayList<>();
            for (final JsonNode entry : node.path("ports")) {
                if (entry.isObject()) {
                    final JsonNode published = entry.path("published");
                    ports.add(new Port(published.isMissingNode() ? null : published.asText(),
                            entry.path("target").asInt(), entry.path("protocol").asText("tcp")));
                } else {
                    final String[] withProtocol = entry.asText().split("/", 2);
                    final String[] parts = withProtocol[0].split(":");
                    ports.add(new Port(parts.length >= 2 ? parts[parts.length - 2] : null,
                            Integer.parseInt(parts[parts.length - 1]),
                            withProtocol.length > 1 ? withProtocol[1] : "tcp"));
                }
            }
            return ports;
        }

        boolean hasHealthcheck() {
            final JsonNode healthcheck = node.path("healthcheck");
            return healthcheck.isObject() && !healthcheck.path("disable").asBoolean(false)
                    && healthcheck.has("test") && !healthcheck.path("test").path(0).asText().equals("NONE");
        }

        /** The words of the health check's test, joined. */
        String healthcheckTest() {
            final JsonNode test = node.path("healthcheck").path("test");
            if (test.isTextual()) {
                return test.asText();
            }
            final List<String> words = new ArrayList<>();
            test.forEach(word -> words.add(word.asText()));
            return String.join(" ", words);
        }

        /** The services this one depends on, with the condition it waits for. */
        Map<String, String> dependsOn() {
            final Map<String, String> conditions = new LinkedHashMap<>();
            final JsonNode dependsOn = node.path("depends_on");
            if (dependsOn.isArray()) {
                dependsOn.forEach(name -> conditions.put(name.asText(), "service_started"));
            } else {
                dependsOn.properties().forEach(entry ->
                        conditions.put(entry.getKey(), entry.getValue().path("condition").asText("service_started")));
            }
            return conditions;
        }

        /** The mounts as source → target; the source is a named volume or a host path. */
        Map<String, String> volumes() {
            final Map<String, String> mounts = new LinkedHashMap<>();
            for (final JsonNode entry : node.path("volumes")) {
                if (entry.isObject()) {
                    mounts.put(entry.path("source").asText(), entry.path("target").asText());
                } else {
                    final String[] parts = entry.asText().split(":");
                    mounts.put(parts[0], parts.length > 1 ? parts[1] : parts[0]);
                }
            }
            return mounts;
        }

        /** The names other containers reach this one by. */
        Set<String> hostNames() {
            final Set<String> names = new HashSet<>(Set.of(name));
            for (final String key : List.of("hostname", "container_name")) {
                if (node.has(key)) {
                    names.add(node.path(key).asText());
                }
            }
            return names;
        }
    }

    static List<Service> services(final JsonNode compose) {
        final List<Service> services = new ArrayList<>();
        compose.path("services").properties()
                .forEach(entry -> services.add(new Service(entry.getKey(), entry.getValue())));
        return services;
    }

    /** Every {@code LOOKOUT_*} variable of every service is one the app reads. */
    static List<String> unreadVariables(final JsonNode compose, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final Service service : services(compose)) {
            service.environment().keySet().forEach(name ->
                    app.unread(name).ifPresent(problem -> problems.add(service.name() + ": " + problem)));
        }
        return problems;
    }

    /** Every {@code --option} in the command of a service that runs Lookout is an option of that (sub)command. */
    static List<String> unknownOptions(final JsonNode compose, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final Service service : services(compose)) {
            if (!service.runsLookout()) {
                continue;
            }
            final Set<String> options = app.optionNames(service.isDemo());
            for (final String word : service.command()) {
                final String option = word.split("=", 2)[0];
                if (option.startsWith("--") && !options.contains(option)) {
                    problems.add(service.name() + ": " + option + " is no option of `lookout"
                            + (service.isDemo() ? " demo" : "") + "`");
                }
            }
        }
        return problems;
    }

    /** No two services publish the same host port (profiles included: they may run side by side). */
    static List<String> hostPortClashes(final JsonNode compose) {
        final List<String> problems = new ArrayList<>();
        final Map<String, String> publishers = new HashMap<>();
        for (final Service service : services(compose)) {
            for (final Port port : service.ports()) {
                if (port.host() == null) {
                    continue;
                }
                final String key = port.host() + "/" + port.protocol();
                final String other = publishers.putIfAbsent(key, service.name());
                if (other != null) {
                    problems.add("Host port " + key + " is published by both " + other + " and " + service.name());
                }
            }
        }
        return problems;
    }

    /** Each Lookout instance publishes the port its API listens on, and only that one. */
    static List<String> apiPortMismatches(final JsonNode compose, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final Service service : instances(compose)) {
            final int httpPort = app.httpPort(service.environment(image));
            if (service.ports().isEmpty()) {
                problems.add(service.name() + ": publishes no port; its API listens on " + httpPort);
            }
            for (final Port port : service.ports()) {
                if (port.container() != httpPort) {
                    problems.add(service.name() + ": publishes container port " + port.container()
                            + " but its API listens on " + httpPort);
                }
            }
        }
        return problems;
    }

    /** Each Lookout instance has a health check that asks its own API on a route the API serves. */
    static List<String> healthcheckRoutes(final JsonNode compose, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final Service service : instances(compose)) {
            if (!service.hasHealthcheck()) {
                problems.add(service.name() + ": has no health check");
                continue;
            }
            final int httpPort = app.httpPort(service.environment(image));
            final Matcher url = URL.matcher(service.healthcheckTest());
            boolean found = false;
            while (url.find()) {
                found = true;
                final String path = url.group(3) == null ? "/" : url.group(3);
                if (!Set.of("localhost", "127.0.0.1").contains(url.group(1))) {
                    problems.add(service.name() + ": health check asks " + url.group(1) + ", not the container itself");
                }
                if (url.group(2) == null || Integer.parseInt(url.group(2)) != httpPort) {
                    problems.add(service.name() + ": health check asks port " + url.group(2) + " but the API listens on "
                            + httpPort);
                }
                if (!app.routes().contains(path)) {
                    problems.add(service.name() + ": health check asks " + path + ", which the API does not serve");
                }
            }
            if (!found) {
                problems.add(service.name() + ": health check calls no URL of the API: " + service.healthcheckTest());
            }
        }
        return problems;
    }

    /**
     * Every dependency exists, runs whenever the dependent does (profiles), and has a health check
     * when the dependent waits for it to be healthy.
     */
    static List<String> dependencyProblems(final JsonNode compose) {
        final List<String> problems = new ArrayList<>();
        final Map<String, Service> byName = new HashMap<>();
        services(compose).forEach(service -> byName.put(service.name(), service));
        for (final Service service : byName.values()) {
            service.dependsOn().forEach((name, condition) -> {
                final Service dependency = byName.get(name);
                if (dependency == null) {
                    problems.add(service.name() + " depends on " + name + ", which is no service");
                    return;
                }
                if (condition.equals(HEALTHY) && !dependency.hasHealthcheck()) {
                    problems.add(service.name() + " waits for " + name + " to be healthy, but " + name
                            + " has no health check");
                }
                final List<String> needed = dependency.profiles();
                if (!needed.isEmpty() && (service.profiles().isEmpty() || !needed.containsAll(service.profiles()))) {
                    problems.add(service.name() + " (profiles " + service.profiles() + ") depends on " + name
                            + ", which runs only with profiles " + needed);
                }
            });
        }
        return problems;
    }

    /**
     * Lookout instances on one cluster form one application: the same application id, distinct
     * {@code application.server} values, each naming the instance's own host and API port.
     */
    static List<String> applicationProblems(final JsonNode compose, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        final Map<String, List<Service>> byCluster = new LinkedHashMap<>();
        for (final Service service : instances(compose)) {
            byCluster.computeIfAbsent(app.setting(service.environment(image), "--bootstrap-servers"),
                    cluster -> new ArrayList<>()).add(service);
        }
        byCluster.forEach((cluster, services) -> {
            final Set<String> applicationIds = new HashSet<>();
            final Map<String, String> servers = new HashMap<>();
            for (final Service service : services) {
                final Map<String, String> environment = service.environment(image);
                applicationIds.add(app.setting(environment, "--application-id"));
                final String server = app.setting(environment, "--application-server");
                if (server == null) {
                    problems.add(service.name() + ": sets no application server; peers would get localhost");
                    continue;
                }
                final String other = servers.putIfAbsent(server, service.name());
                if (other != null) {
                    problems.add(service.name() + " and " + other + " both claim application server " + server);
                }
                final String[] hostPort = server.split(":", 2);
                if (!service.hostNames().contains(hostPort[0])) {
                    problems.add(service.name() + ": application server " + server + " names another host");
                }
                if (hostPort.length < 2 || !hostPort[1].equals(Integer.toString(app.httpPort(environment)))) {
                    problems.add(service.name() + ": application server " + server + " is not the API port "
                            + app.httpPort(environment));
                }
            }
            if (applicationIds.size() > 1) {
                problems.add("The instances on " + cluster + " have different application ids " + applicationIds);
            }
        });
        return problems;
    }

    /** Each Lookout instance keeps its state directory on a volume of its own. */
    static List<String> stateVolumeProblems(final JsonNode compose, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        final Map<String, String> owners = new HashMap<>();
        for (final Service service : instances(compose)) {
            final String stateDir = app.setting(service.environment(image), "--state-dir");
            final Map.Entry<String, String> mount = service.volumes().entrySet().stream()
                    .filter(entry -> DockerImage.contains(entry.getValue(), stateDir)).findFirst().orElse(null);
            if (mount == null) {
                problems.add(service.name() + ": state directory " + stateDir + " is on no volume");
                continue;
            }
            final String other = owners.putIfAbsent(mount.getKey(), service.name());
            if (other != null) {
                problems.add(service.name() + " and " + other + " share the state volume " + mount.getKey());
            }
            final boolean named = !mount.getKey().startsWith(".") && !mount.getKey().startsWith("/");
            if (named && !compose.path("volumes").has(mount.getKey())) {
                problems.add(service.name() + ": volume " + mount.getKey() + " is not declared under volumes:");
            }
        }
        return problems;
    }

    /** Each Lookout instance is given longer to stop than its shutdown takes. */
    static List<String> stopGraceProblems(final JsonNode compose, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final Service service : instances(compose)) {
            final JsonNode grace = service.node().path("stop_grace_period");
            final Duration period = grace.isMissingNode() ? DEFAULT_STOP_GRACE : duration(grace.asText());
            if (period.compareTo(app.shutdownTime()) < 0) {
                problems.add(service.name() + ": stop_grace_period " + period.toSeconds() + "s is shorter than the "
                        + app.shutdownTime().toSeconds() + "s a clean shutdown may take (Kafka Streams close "
                        + app.closeTimeout().toSeconds() + "s)");
            }
        }
        return problems;
    }

    private static List<Service> instances(final JsonNode compose) {
        return services(compose).stream().filter(Service::isInstance).toList();
    }

    /** A compose duration such as {@code 1m30s}. */
    static Duration duration(final String text) {
        final Matcher part = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int matched = 0;
        while (part.find()) {
            final long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "ms" -> Duration.ofMillis(amount);
                default -> Duration.ofNanos(amount * 1_000);
            });
            matched += part.group().length();
        }
        if (matched == 0 || matched != text.length()) {
            throw new IllegalArgumentException("Not a compose duration: " + text);
        }
        return total;
    }
}
