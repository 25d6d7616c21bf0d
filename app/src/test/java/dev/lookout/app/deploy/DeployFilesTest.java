package dev.lookout.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deployment files — {@code Dockerfile}, {@code docker-compose.yml} and the manifests in
 * {@code deploy/} — agree with the app, so that a typo in a variable, port, route or name fails the
 * build instead of a deployment. What they must agree with is read from the app itself
 * ({@link AppFacts}). Every check is also run on a broken copy, to show that it can fail.
 */
@Timeout(60)
class DeployFilesTest {

    private static final String CONTAINER = "/spec/template/spec/containers/0";

    private static AppFacts app;
    private static String dockerfile;
    private static DockerImage image;
    private static String appFinalName;
    private static JsonNode compose;
    private static JsonNode kustomization;
    private static Set<String> manifestFiles;
    private static List<JsonNode> manifests;

    @BeforeAll
    static void readFiles() throws Exception {
        final Path root = DeployFiles.root();
        app = AppFacts.read();
        dockerfile = Files.readString(root.resolve("Dockerfile"));
        image = DockerImage.runtimeStage(dockerfile);
        appFinalName = DeployFiles.finalName(root.resolve("app/pom.xml"));
        compose = DeployFiles.yamlFile(root.resolve("docker-compose.yml"));
        final Map<String, List<JsonNode>> deploy = DeployFiles.yamlFiles(root.resolve("deploy"));
        kustomization = deploy.remove(DeployFiles.KUSTOMIZATION).get(0);
        manifestFiles = new TreeSet<>(deploy.keySet());
        manifests = deploy.values().stream().flatMap(List::stream).toList();
    }

    @Test
    void shouldReadWhatTheFilesMustAgreeWithFromTheApp() {
        assertThat(app.variables()).contains("LOOKOUT_BOOTSTRAP_SERVERS", "LOOKOUT_APPLICATION_SERVER",
                "LOOKOUT_STANDBY_REPLICAS", "LOOKOUT_STATE_DIR", "LOOKOUT_DEMO_RATE");
        assertThat(app.routes()).contains("/health/live", "/health/ready");
        assertThat(app.closeTimeout()).isPositive();
        assertThat(manifests).isNotEmpty();
    }

    @Test
    void shouldRejectVariablesLookoutDoesNotRead() {
        assertThat(app.unread("LOOKOUT_HTTP_PORT")).isEmpty();
        assertThat(app.unread("LOOKOUT_KAFKA_SASL_JAAS_CONFIG")).isEmpty();
        assertThat(app.unread("LOOKOUT_KAFKA_PRODUCER_LINGER_MS")).isEmpty();
        assertThat(app.unread("LOOKOUT_KAFKA_BASIC_AUTH_USER_INFO")).isEmpty();
        assertThat(app.unread("JAVA_TOOL_OPTIONS")).isEmpty();
        assertThat(app.unread("LOOKOUT_BOGUS"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("no option"));
        assertThat(app.unread("LOOKOUT_KAFKA_SASL_JASS_CONFIG"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("'sasl.jass.config'"));
        // --kafka is repeatable and comes from LOOKOUT_KAFKA_<KEY> variables, never from LOOKOUT_KAFKA.
        assertThat(app.unread("LOOKOUT_KAFKA")).isPresent();
    }

    // ---- Dockerfile

    @Test
    void imageShouldRunAsANumericNonRootUser() {
        assertThat(image.userProblems()).isEmpty();
    }

    @Test
    void imageShouldKeepTheStateDirectoryOnAVolume() {
        assertThat(image.stateVolumeProblems(app)).isEmpty();
    }

    @Test
    void imageShouldStartJavaInExecFormSoThatSigtermReachesIt() {
        assertThat(image.entrypointProblems()).isEmpty();
    }

    @Test
    void imageShouldSetOnlyVariablesLookoutReads() {
        assertThat(image.environmentProblems(app)).isEmpty();
    }

    @Test
    void imageShouldExposeTheApiPortAndCopyTheBuiltArtifacts() {
        assertThat(image.exposeProblems(app)).isEmpty();
        assertThat(image.artifactProblems(appFinalName)).isEmpty();
    }

    @Test
    void imageShouldRejectARootUserAShellEntrypointAndNoVolume() {
        final DockerImage broken = DockerImage.runtimeStage(dockerfile
                .replaceAll("(?m)^USER .*$", "USER root")
                .replaceAll("(?m)^ENTRYPOINT .*$", "ENTRYPOINT java -jar /opt/lookout/lookout.jar")
                .replaceAll("(?m)^VOLUME .*$", "")
                .replaceAll("(?m)^EXPOSE .*$", "EXPOSE 9000")
                .replace("ENV LOOKOUT_STATE_DIR=", "ENV LOOKOUT_BOGUS=x LOOKOUT_STATE_DIR="));
        assertRejects(broken.userProblems(), "runs as root");
        assertRejects(broken.entrypointProblems(), "shell form");
        assertRejects(broken.stateVolumeProblems(app), "lies on none of the VOLUMEs");
        assertRejects(broken.environmentProblems(app), "LOOKOUT_BOGUS");
        assertRejects(broken.exposeProblems(app), "does not include the API port");
        assertRejects(broken.artifactProblems("lookout-app"), "lookout-app.jar");
        assertRejects(DockerImage.runtimeStage(dockerfile.replaceAll("(?m)^USER .*$", "")).userProblems(), "no USER");
        assertRejects(DockerImage.runtimeStage(dockerfile.replaceAll("(?m)^USER .*$", "USER lookout")).userProblems(),
                "numeric uid");
        assertRejects(DockerImage.runtimeStage(dockerfile.replaceAll("(?m)^ENTRYPOINT .*$",
                "ENTRYPOINT [\"sh\", \"-c\", \"java -jar lookout.jar\"]")).entrypointProblems(), "starts a shell");
    }

    // ---- docker-compose.yml

    @Test
    void composeShouldUseOnlyVariablesAndOptionsLookoutReads() {
        assertThat(ComposeChecks.unreadVariables(compose, app)).isEmpty();
        assertThat(ComposeChecks.unknownOptions(compose, app)).isEmpty();
    }

    @Test
    void composeShouldPublishDistinctHostPortsAndTheApiPort() {
        assertThat(ComposeChecks.hostPortClashes(compose)).isEmpty();
        assertThat(ComposeChecks.apiPortMismatches(compose, image, app)).isEmpty();
    }

    @Test
    void composeShouldCheckHealthOnRoutesTheApiServes() {
        assertThat(ComposeChecks.healthcheckRoutes(compose, image, app)).isEmpty();
    }

    @Test
    void composeShouldWaitOnlyForServicesThatHaveHealthChecks() {
        assertThat(ComposeChecks.dependencyProblems(compose)).isEmpty();
    }

    @Test
    void composeShouldRunInstancesOfOneApplicationWithOwnServersAndVolumes() {
        assertThat(ComposeChecks.applicationProblems(compose, image, app)).isEmpty();
        assertThat(ComposeChecks.stateVolumeProblems(compose, image, app)).isEmpty();
    }

    @Test
    void composeShouldGiveInstancesTimeToCloseKafkaStreams() {
        assertThat(ComposeChecks.stopGraceProblems(compose, app)).isEmpty();
    }

    @Test
    void composeShouldRejectUnknownVariablesAndOptions() {
        assertRejects(ComposeChecks.unreadVariables(changed(compose, "/services/lookout-1/environment",
                environment -> environment.put("LOOKOUT_BOGUS", "x")), app), "lookout-1: LOOKOUT_BOGUS");
        assertRejects(ComposeChecks.unreadVariables(changed(compose, "/services/lookout-2/environment",
                environment -> environment.put("LOOKOUT_KAFKA_NUM_STANDBY_REPLICA", "1")), app),
                "num.standby.replica'");
        assertRejects(ComposeChecks.unknownOptions(changed(compose, "/services/demo",
                demo -> demo.putArray("command").add("demo").add("--bootstrap-server").add("kafka:19092")), app),
                "--bootstrap-server is no option of `lookout demo`");
    }

    @Test
    void composeShouldRejectClashingHostPortsAndAWrongApiPort() {
        assertRejects(ComposeChecks.hostPortClashes(changed(compose, "/services/lookout-2",
                service -> service.putArray("ports").add("8080:8080"))), "8080/tcp is published by both");
        final JsonNode otherPort = changed(compose, "/services/lookout-1/environment",
                environment -> environment.put("LOOKOUT_HTTP_PORT", "9090"));
        assertRejects(ComposeChecks.apiPortMismatches(otherPort, image, app), "but its API listens on 9090");
        assertRejects(ComposeChecks.healthcheckRoutes(otherPort, image, app), "asks port 8080");
        assertRejects(ComposeChecks.applicationProblems(otherPort, image, app), "is not the API port 9090");
    }

    @Test
    void composeShouldRejectAHealthCheckOnARouteTheApiDoesNotServe() {
        final JsonNode wrongRoute = changed(compose, "/services/lookout-1/healthcheck", check -> check.putArray("test")
                .add("CMD").add("curl").add("-f").add("http://localhost:8080/health/readiness"));
        assertRejects(ComposeChecks.healthcheckRoutes(wrongRoute, image, app),
                "/health/readiness, which the API does not serve");
        assertRejects(ComposeChecks.healthcheckRoutes(changed(compose, "/services/lookout-2",
                service -> service.remove("healthcheck")), image, app), "lookout-2: has no health check");
    }

    @Test
    void composeShouldRejectWaitingForAServiceWithoutHealthCheckOrOutsideTheProfile() {
        assertRejects(ComposeChecks.dependencyProblems(changed(compose, "/services/schema-registry",
                service -> service.remove("healthcheck"))), "but schema-registry has no health check");
        assertRejects(ComposeChecks.dependencyProblems(changed(compose, "/services/lookout-1/depends_on",
                dependsOn -> dependsOn.putObject("kafka-1").put("condition", "service_healthy"))),
                "runs only with profiles [three-brokers]");
        assertRejects(ComposeChecks.dependencyProblems(changed(compose, "/services/demo/depends_on",
                dependsOn -> dependsOn.putObject("lookout-9"))), "lookout-9, which is no service");
    }

    @Test
    void composeShouldRejectInstancesThatShareServerIdOrVolume() {
        assertRejects(ComposeChecks.applicationProblems(changed(compose, "/services/lookout-2/environment",
                environment -> environment.put("LOOKOUT_APPLICATION_ID", "lookout-v2")), image, app),
                "different application ids");
        final JsonNode sameServer = changed(compose, "/services/lookout-2/environment",
                environment -> environment.put("LOOKOUT_APPLICATION_SERVER", "lookout-1:8080"));
        assertRejects(ComposeChecks.applicationProblems(sameServer, image, app), "both claim application server");
        assertRejects(ComposeChecks.applicationProblems(sameServer, image, app), "names another host");
        assertRejects(ComposeChecks.stateVolumeProblems(changed(compose, "/services/lookout-2",
                service -> service.putArray("volumes").add("lookout-1-state:/var/lib/lookout")), image, app),
                "share the state volume lookout-1-state");
        assertRejects(ComposeChecks.stateVolumeProblems(changed(compose, "/services/lookout-1/environment",
                environment -> environment.put("LOOKOUT_STATE_DIR", "/data/state")), image, app), "is on no volume");
    }

    @Test
    void composeShouldRejectTheDefaultStopGracePeriod() {
        assertRejects(ComposeChecks.stopGraceProblems(changed(compose, "/services/lookout-1",
                service -> service.remove("stop_grace_period")), app), "stop_grace_period 10s is shorter");
        assertThat(ComposeChecks.duration("1m30s")).hasSeconds(90);
    }

    // ---- deploy/

    @Test
    void manifestsShouldUseOnlyVariablesLookoutReadsAndCommitNoSecret() {
        assertThat(KubernetesChecks.unreadVariables(manifests, app)).isEmpty();
        assertThat(KubernetesChecks.committedSecrets(manifests)).isEmpty();
    }

    @Test
    void manifestsShouldProbeRoutesTheApiServes() {
        assertThat(KubernetesChecks.probeProblems(manifests, app)).isEmpty();
    }

    @Test
    void manifestsShouldTargetPortsTheContainerDeclares() {
        assertThat(KubernetesChecks.servicePortProblems(manifests)).isEmpty();
        assertThat(KubernetesChecks.apiPortProblems(manifests, image, app)).isEmpty();
    }

    @Test
    void manifestsShouldAdvertiseThePodsNameInTheHeadlessService() {
        assertThat(KubernetesChecks.applicationServerProblems(manifests, image, app)).isEmpty();
    }

    @Test
    void manifestsShouldKeepAnInstanceUpAndGiveEachTimeToClose() {
        assertThat(KubernetesChecks.disruptionBudgetProblems(manifests)).isEmpty();
        assertThat(KubernetesChecks.terminationGraceProblems(manifests, app)).isEmpty();
    }

    @Test
    void manifestsShouldKeepAStandbyAndTheStateOnAClaimedVolume() {
        assertThat(KubernetesChecks.standbyProblems(manifests, image, app)).isEmpty();
        assertThat(KubernetesChecks.stateVolumeProblems(manifests, image, app)).isEmpty();
    }

    @Test
    void manifestsShouldListEveryManifestInTheKustomization() {
        assertThat(KubernetesChecks.kustomizationProblems(kustomization, manifestFiles)).isEmpty();
    }

    @Test
    void manifestsShouldRejectUnknownVariablesAndACommittedSecret() {
        assertRejects(KubernetesChecks.unreadVariables(configMap(data -> data.put("LOOKOUT_STANDBY_REPLICA", "1")), app),
                "LOOKOUT_STANDBY_REPLICA is not read");
        final List<JsonNode> withSecret = new ArrayList<>(manifests);
        withSecret.add(DeployFiles.yaml("kind: Secret\nmetadata:\n  name: lookout-kafka-credentials\n").get(0));
        assertRejects(KubernetesChecks.committedSecrets(withSecret), "Secret lookout-kafka-credentials is committed");
    }

    @Test
    void manifestsShouldRejectProbesOnWrongRoutesOrPorts() {
        assertRejects(KubernetesChecks.probeProblems(statefulSet(CONTAINER + "/readinessProbe/httpGet",
                httpGet -> httpGet.put("path", "/health/readyz")), app), "/health/readyz, which the API does not serve");
        assertRejects(KubernetesChecks.probeProblems(statefulSet(CONTAINER + "/livenessProbe/httpGet",
                httpGet -> httpGet.put("path", "/health/ready")), app), "a pod that restores would be restarted");
        assertRejects(KubernetesChecks.probeProblems(statefulSet(CONTAINER + "/startupProbe/httpGet",
                httpGet -> httpGet.put("port", "htpp")), app), "asks port htpp");
        assertRejects(KubernetesChecks.probeProblems(statefulSet(CONTAINER,
                container -> container.remove("livenessProbe")), app), "has no livenessProbe");
    }

    @Test
    void manifestsShouldRejectServicesThatMissTheirPodsOrPorts() {
        assertRejects(KubernetesChecks.servicePortProblems(changed("Service", "lookout", "/spec/ports/0",
                port -> port.put("targetPort", "api"))), "targetPort api is on no container");
        assertRejects(KubernetesChecks.servicePortProblems(changed("Service", "lookout", "/spec/selector",
                selector -> selector.put("app.kubernetes.io/name", "lookout-api"))), "selects no pods");
        assertRejects(KubernetesChecks.apiPortProblems(configMap(data -> data.put("LOOKOUT_HTTP_PORT", "9000")), image, app),
                "port http is 8080 but the API listens on 9000");
    }

    @Test
    void manifestsShouldRejectAnApplicationServerOutsideTheHeadlessService() {
        assertRejects(KubernetesChecks.applicationServerProblems(statefulSet("/spec",
                spec -> spec.put("serviceName", "lookout")), image, app), "is no headless Service");
        final List<JsonNode> undefinedVariable = statefulSet(CONTAINER + "/env/2",
                variable -> variable.put("value", "$(POD_IP).lookout-headless.default.svc.cluster.local:8080"));
        assertRejects(KubernetesChecks.applicationServerProblems(undefinedVariable, image, app),
                "uses $(POD_IP), which is not defined before it");
        assertRejects(KubernetesChecks.applicationServerProblems(configMap(data -> data.put("LOOKOUT_HTTP_PORT", "9000")),
                image, app), "is not $(<pod name>).lookout-headless");
    }

    @Test
    void manifestsShouldRejectABudgetThatLetsEveryInstanceGoAndAShortGracePeriod() {
        assertRejects(KubernetesChecks.disruptionBudgetProblems(statefulSet("/spec",
                spec -> spec.put("replicas", 1))), "lets every instance go");
        assertRejects(KubernetesChecks.disruptionBudgetProblems(changed("PodDisruptionBudget", "lookout", "/spec",
                spec -> spec.put("minAvailable", 3).remove("maxUnavailable"))), "blocks every drain");
        assertRejects(KubernetesChecks.terminationGraceProblems(statefulSet("/spec/template/spec",
                pod -> pod.put("terminationGracePeriodSeconds", 30)), app), "terminationGracePeriodSeconds 30 is shorter");
    }

    @Test
    void manifestsShouldRejectNoStandbyAStateDirectoryOffTheClaimAndAnotherUser() {
        assertRejects(KubernetesChecks.standbyProblems(configMap(data -> data.put("LOOKOUT_STANDBY_REPLICAS", "0")),
                image, app), "no standby replicas");
        assertRejects(KubernetesChecks.stateVolumeProblems(configMap(data -> data.put("LOOKOUT_STATE_DIR", "/tmp/state")),
                image, app), "is on no volumeClaimTemplate");
        assertRejects(KubernetesChecks.stateVolumeProblems(statefulSet("/spec/template/spec/securityContext",
                security -> security.put("runAsUser", 0)), image, app), "runs as user 0, the image as 10001");
    }

    @Test
    void manifestsShouldRejectAKustomizationThatMissesOrInventsAFile() {
        final Set<String> more = new TreeSet<>(manifestFiles);
        more.add("ingress.yaml");
        assertRejects(KubernetesChecks.kustomizationProblems(kustomization, more), "does not list ingress.yaml");
        assertRejects(KubernetesChecks.kustomizationProblems(kustomization, Set.of("statefulset.yaml")),
                "lists service.yaml, which deploy/ does not hold");
    }

    private static void assertRejects(final List<String> problems, final String fragment) {
        assertThat(problems).as("problems found").anyMatch(problem -> problem.contains(fragment));
    }

    /** A copy of {@code document} with the object at {@code pointer} changed. */
    private static JsonNode changed(final JsonNode document, final String pointer, final Consumer<ObjectNode> change) {
        final JsonNode copy = document.deepCopy();
        change.accept((ObjectNode) copy.at(pointer));
        return copy;
    }

    /** A copy of the manifests with the object at {@code pointer} in the StatefulSet changed. */
    private static List<JsonNode> statefulSet(final String pointer, final Consumer<ObjectNode> change) {
        return changed("StatefulSet", "lookout", pointer, change);
    }

    /** A copy of the manifests with the ConfigMap's data changed. */
    private static List<JsonNode> configMap(final Consumer<ObjectNode> change) {
        return changed("ConfigMap", "lookout-config", "/data", change);
    }

    /** A copy of the manifests with the object at {@code pointer} in one resource changed. */
    private static List<JsonNode> changed(final String kind, final String name, final String pointer,
                                          final Consumer<ObjectNode> change) {
        final List<JsonNode> copy = new ArrayList<>();
        boolean found = false;
        for (final JsonNode resource : manifests) {
            final boolean target = resource.path("kind").asText().equals(kind)
                    && resource.path("metadata").path("name").asText().equals(name);
            copy.add(target ? changed(resource, pointer, change) : resource);
            found |= target;
        }
        assertThat(found).as(kind + " " + name + " in deploy/").isTrue();
        return copy;
    }
}
