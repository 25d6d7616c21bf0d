package dev.lookout.app.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks of the Kubernetes manifests in {@code deploy/} against the app, its image and each
 * other. Each check returns the problems it finds, one sentence each, so that a test can also show
 * that it rejects a broken manifest.
 */
final class KubernetesChecks {

    private static final List<String> PROBES = List.of("startupProbe", "readinessProbe", "livenessProbe");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final int DEFAULT_GRACE_SECONDS = 30;

    private KubernetesChecks() {
    }

    /** Every {@code LOOKOUT_*} variable, in a container's env or in a ConfigMap, is one the app reads. */
    static List<String> unreadVariables(final List<JsonNode> resources, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode configMap : ofKind(resources, "ConfigMap")) {
            configMap.path("data").properties().forEach(entry -> app.unread(entry.getKey())
                    .ifPresent(problem -> problems.add("ConfigMap " + name(configMap) + ": " + problem)));
        }
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            for (final JsonNode container : containers(workload)) {
                for (final JsonNode variable : container.path("env")) {
                    app.unread(variable.path("name").asText())
                            .ifPresent(problem -> problems.add(where(workload, container) + ": " + problem));
                }
                for (final JsonNode source : container.path("envFrom")) {
                    final String configMap = source.path("configMapRef").path("name").asText(null);
                    if (configMap != null && named(resources, "ConfigMap", configMap) == null) {
                        problems.add(where(workload, container) + ": takes its environment from ConfigMap " + configMap
                                + ", which deploy/ does not define");
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Readiness and liveness probes exist and ask routes the API serves; liveness and start-up do
     * not use the readiness route, or a long restore would restart the pod in a loop.
     */
    static List<String> probeProblems(final List<JsonNode> resources, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            for (final JsonNode container : containers(workload)) {
                final String where = where(workload, container);
                for (final String probe : List.of("readinessProbe", "livenessProbe")) {
                    if (!container.has(probe)) {
                        problems.add(where + ": has no " + probe);
                    }
                }
                final String readiness = container.at("/readinessProbe/httpGet/path").asText(null);
                for (final String probe : PROBES) {
                    final JsonNode httpGet = container.path(probe).path("httpGet");
                    if (httpGet.isMissingNode()) {
                        continue;
                    }
                    final String path = httpGet.path("path").asText("/");
                    if (!app.routes().contains(path)) {
                        problems.add(where + ": " + probe + " asks " + path + ", which the API does not serve");
                    }
                    if (!probe.equals("readinessProbe") && path.equals(readiness)) {
                        problems.add(where + ": " + probe + " asks the readiness route " + path
                                + "; a pod that restores would be restarted");
                    }
                    if (!hasPort(container, httpGet.path("port"))) {
                        problems.add(where + ": " + probe + " asks port " + httpGet.path("port").asText()
                                + ", which the container does not declare");
                    }
                }
            }
        }
        return problems;
    }

    /** Each Service selects pods of a workload in deploy/, and its target ports exist on their containers. */
    static List<String> servicePortProblems(final List<JsonNode> resources) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode service : ofKind(resources, "Service")) {
            final List<JsonNode> selected = ofKind(resources, "StatefulSet").stream()
                    .filter(workload -> selects(service.path("spec").path("selector"), podLabels(workload))).toList();
            if (selected.isEmpty()) {
                problems.add("Service " + name(service) + " selects no pods of deploy/");
            }
            for (final JsonNode port : service.path("spec").path("ports")) {
                final JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (final JsonNode workload : selected) {
                    final boolean found = containers(workload).stream().anyMatch(container -> hasPort(container, target));
                    if (!found) {
                        problems.add("Service " + name(service) + ": targetPort " + target.asText()
                                + " is on no container of StatefulSet " + name(workload));
                    }
                }
            }
        }
        return problems;
    }

    /** The container declares the port its API listens on, under the name {@code http} if any port has it. */
    static List<String> apiPortProblems(final List<JsonNode> resources, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            for (final JsonNode container : containers(workload)) {
                final int httpPort = app.httpPort(environment(container, resources, image));
                boolean declared = false;
                for (final JsonNode port : container.path("ports")) {
                    declared |= port.path("containerPort").asInt() == httpPort;
                    if (port.path("name").asText().equals("http") && port.path("containerPort").asInt() != httpPort) {
                        problems.add(where(workload, container) + ": port http is " + port.path("containerPort").asInt()
                                + " but the API listens on " + httpPort);
                    }
                }
                if (!declared) {
                    problems.add(where(workload, container) + ": declares no containerPort " + httpPort
                            + ", the port the API listens on");
                }
            }
        }
        return problems;
    }

    /**
     * The application server is the pod's name in the StatefulSet's headless Service, with the API
     * port; every {@code $(VAR)} it and other variables use is defined before them.
     */
    static List<String> applicationServerProblems(final List<JsonNode> resources, final DockerImage image,
                                                  final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            final String serviceName = workload.path("spec").path("serviceName").asText();
            final JsonNode service = named(resources, "Service", serviceName);
            if (service == null || !service.path("spec").path("clusterIP").asText().equals("None")) {
                problems.add("StatefulSet " + name(workload) + ": serviceName " + serviceName
                        + " is no headless Service of deploy/");
            } else if (!selects(service.path("spec").path("selector"), podLabels(workload))) {
                problems.add("StatefulSet " + name(workload) + ": its headless Service " + serviceName
                        + " does not select its pods");
            }
            for (final JsonNode container : containers(workload)) {
                problems.addAll(referenceProblems(workload, container, resources));
                final Map<String, String> environment = environment(container, resources, image);
                final String server = app.setting(environment, "--application-server");
                final String expected = "^\\$\\((\\w+)\\)\\." + Pattern.quote(serviceName) + "\\.[^:]*:"
                        + app.httpPort(environment) + "$";
                final Matcher matcher = server == null ? null : Pattern.compile(expected).matcher(server);
                if (matcher == null || !matcher.matches()) {
                    problems.add(where(workload, container) + ": application server " + server + " is not "
                            + "$(<pod name>)." + serviceName + ".<namespace>...:" + app.httpPort(environment));
                } else if (!fieldRef(container, matcher.group(1)).equals("metadata.name")) {
                    problems.add(where(workload, container) + ": application server uses $(" + matcher.group(1)
                            + "), which is not the pod's name (fieldRef metadata.name)");
                }
            }
        }
        return problems;
    }

    /** Voluntary disruptions leave at least one instance running, and a budget covers every StatefulSet. */
    static List<String> disruptionBudgetProblems(final List<JsonNode> resources) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            final int replicas = replicas(workload);
            final List<JsonNode> budgets = ofKind(resources, "PodDisruptionBudget").stream()
                    .filter(budget -> selects(budget.at("/spec/selector/matchLabels"), podLabels(workload)))
                    .toList();
            if (budgets.isEmpty()) {
                problems.add("StatefulSet " + name(workload) + ": no PodDisruptionBudget selects its pods");
            }
            for (final JsonNode budget : budgets) {
                final JsonNode spec = budget.path("spec");
                final int available = spec.has("maxUnavailable")
                        ? replicas - count(spec.path("maxUnavailable"), replicas)
                        : count(spec.path("minAvailable"), replicas);
                if (spec.has("maxUnavailable") && available < 1) {
                    problems.add("PodDisruptionBudget " + name(budget) + ": maxUnavailable "
                            + spec.path("maxUnavailable").asText() + " of " + replicas
                            + " replicas lets every instance go");
                }
                if (spec.has("minAvailable") && available >= replicas) {
                    problems.add("PodDisruptionBudget " + name(budget) + ": minAvailable "
                            + spec.path("minAvailable").asText() + " of " + replicas + " replicas blocks every drain");
                }
            }
        }
        return problems;
    }

    /** Pods get longer to stop than a clean shutdown takes. */
    static List<String> terminationGraceProblems(final List<JsonNode> resources, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            final int grace = podSpec(workload).path("terminationGracePeriodSeconds").asInt(DEFAULT_GRACE_SECONDS);
            if (grace < app.shutdownTime().toSeconds()) {
                problems.add("StatefulSet " + name(workload) + ": terminationGracePeriodSeconds " + grace
                        + " is shorter than the " + app.shutdownTime().toSeconds() + "s a clean shutdown may take "
                        + "(Kafka Streams close " + app.closeTimeout().toSeconds() + "s)");
            }
        }
        return problems;
    }

    /** At least one standby replica, and fewer standbys than instances to hold them. */
    static List<String> standbyProblems(final List<JsonNode> resources, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            for (final JsonNode container : containers(workload)) {
                final int standbys = app.standbyReplicas(environment(container, resources, image));
                if (standbys < 1) {
                    problems.add(where(workload, container) + ": no standby replicas, so a failover restores whole "
                            + "changelogs");
                } else if (standbys >= replicas(workload)) {
                    problems.add(where(workload, container) + ": " + standbys + " standby replicas need more than "
                            + replicas(workload) + " instances");
                }
            }
        }
        return problems;
    }

    /**
     * The state directory lies on a volume claimed per pod, and the pod runs as the image's
     * non-root user.
     */
    static List<String> stateVolumeProblems(final List<JsonNode> resources, final DockerImage image, final AppFacts app) {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode workload : ofKind(resources, "StatefulSet")) {
            final Set<String> claims = new HashSet<>();
            workload.path("spec").path("volumeClaimTemplates").forEach(claim -> claims.add(name(claim)));
            final JsonNode podSecurity = podSpec(workload).path("securityContext");
            for (final JsonNode container : containers(workload)) {
                final String where = where(workload, container);
                final String stateDir = app.setting(environment(container, resources, image), "--state-dir");
                boolean claimed = false;
                for (final JsonNode mount : container.path("volumeMounts")) {
                    claimed |= claims.contains(mount.path("name").asText())
                            && DockerImage.contains(mount.path("mountPath").asText(), stateDir);
                }
                if (!claimed) {
                    problems.add(where + ": state directory " + stateDir + " is on no volumeClaimTemplate " + claims);
                }
                final JsonNode security = container.path("securityContext");
                final boolean nonRoot = security.path("runAsNonRoot")
                        .asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false));
                final String user = security.path("runAsUser").asText(podSecurity.path("runAsUser").asText(null));
                if (!nonRoot) {
                    problems.add(where + ": runAsNonRoot is not set");
                }
                if (user == null || !user.equals(image.uid())) {
                    problems.add(where + ": runs as user " + user + ", the image as " + image.uid());
                }
            }
        }
        return problems;
    }

    /** No Secret is committed: credentials are created in the cluster (deploy/README.md). */
    static List<String> committedSecrets(final List<JsonNode> resources) {
        return ofKind(resources, "Secret").stream()
                .map(secret -> "Secret " + name(secret) + " is committed; create it in the cluster instead")
                .toList();
    }

    /** The kustomization lists every manifest file of the directory, and only existing ones. */
    static List<String> kustomizationProblems(final JsonNode kustomization, final Set<String> manifestFiles) {
        final Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(resource -> listed.add(resource.asText()));
        final List<String> problems = new ArrayList<>();
        for (final String file : manifestFiles) {
            if (!listed.contains(file)) {
                problems.add(DeployFiles.KUSTOMIZATION + " does not list " + file);
            }
        }
        for (final String resource : listed) {
            if (!manifestFiles.contains(resource)) {
                problems.add(DeployFiles.KUSTOMIZATION + " lists " + resource + ", which deploy/ does not hold");
            }
        }
        return problems;
    }

    /** {@code $(VAR)} in a variable's value refers to a variable defined before it, or by envFrom. */
    private static List<String> referenceProblems(final JsonNode workload, final JsonNode container,
                                                  final List<JsonNode> resources) {
        final List<String> problems = new ArrayList<>();
        final Set<String> defined = new HashSet<>(configMapEnvironment(container, resources).keySet());
        for (final JsonNode variable : container.path("env")) {
            final Matcher reference = REFERENCE.matcher(variable.path("value").asText(""));
            while (reference.find()) {
                if (!defined.contains(reference.group(1))) {
                    problems.add(where(workload, container) + ": " + variable.path("name").asText() + " uses $("
                            + reference.group(1) + "), which is not defined before it");
                }
            }
            defined.add(variable.path("name").asText());
        }
        return problems;
    }

    /** The environment the app sees: the image's ENV, then ConfigMaps by envFrom, then literal env values. */
    static Map<String, String> environment(final JsonNode container, final List<JsonNode> resources,
                                           final DockerImage image) {
        final Map<String, String> environment = new HashMap<>(image.environment());
        environment.putAll(configMapEnvironment(container, resources));
        for (final JsonNode variable : container.path("env")) {
            if (variable.has("value")) {
                environment.put(variable.path("name").asText(), variable.path("value").asText());
            }
        }
        return environment;
    }

    private static Map<String, String> configMapEnvironment(final JsonNode container, final List<JsonNode> resources) {
        final Map<String, String> environment = new HashMap<>();
        for (final JsonNode source : container.path("envFrom")) {
            final JsonNode configMap = named(resources, "ConfigMap", source.path("configMapRef").path("name").asText());
            if (configMap != null) {
                configMap.path("data").properties()
                        .forEach(entry -> environment.put(entry.getKey(), entry.getValue().asText()));
            }
        }
        return environment;
    }

    private static String fieldRef(final JsonNode container, final String variable) {
        for (final JsonNode entry : container.path("env")) {
            if (entry.path("name").asText().equals(variable)) {
                return entry.at("/valueFrom/fieldRef/fieldPath").asText("");
            }
        }
        return "";
    }

    /** Whether the container declares the port, given by number or by name. */
    private static boolean hasPort(final JsonNode container, final JsonNode port) {
        for (final JsonNode declared : container.path("ports")) {
            if (port.isNumber() ? declared.path("containerPort").asInt() == port.asInt()
                    : declared.path("name").asText().equals(port.asText())) {
                return true;
            }
        }
        return false;
    }

    /** A PodDisruptionBudget count: a number, or a percentage of the replicas rounded up. */
    private static int count(final JsonNode value, final int replicas) {
        final String text = value.asText();
        return text.endsWith("%") ? (int) Math.ceil(replicas * Integer.parseInt(text.replace("%", "")) / 100.0)
                : Integer.parseInt(text);
    }

    /** Whether every label of the selector is on the pod. */
    private static boolean selects(final JsonNode selector, final JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        return selector.properties().stream()
                .allMatch(entry -> entry.getValue().asText().equals(labels.path(entry.getKey()).asText(null)));
    }

    static List<JsonNode> ofKind(final List<JsonNode> resources, final String kind) {
        return resources.stream().filter(resource -> resource.path("kind").asText().equals(kind)).toList();
    }

    private static JsonNode named(final List<JsonNode> resources, final String kind, final String name) {
        return ofKind(resources, kind).stream().filter(resource -> name(resource).equals(name)).findFirst().orElse(null);
    }

    private static String name(final JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }

    private static JsonNode podSpec(final JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    private static JsonNode podLabels(final JsonNode workload) {
        return workload.path("spec").path("template").path("metadata").path("labels");
    }

    private static List<JsonNode> containers(final JsonNode workload) {
        final List<JsonNode> containers = new ArrayList<>();
        podSpec(workload).path("containers").forEach(containers::add);
        return containers;
    }

    private static int replicas(final JsonNode workload) {
        return workload.path("spec").path("replicas").asInt(1);
    }

    private static String where(final JsonNode workload, final JsonNode container) {
        return "StatefulSet " + name(workload) + ", container " + container.path("name").asText();
    }
}
