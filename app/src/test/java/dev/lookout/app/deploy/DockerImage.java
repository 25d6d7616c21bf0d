package dev.lookout.app.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The runtime stage of the {@code Dockerfile} (its last {@code FROM}): the instructions that
 * decide how the container runs, and the checks on them.
 *
 * @param user the {@code USER} argument, or null when the stage sets none
 * @param volumes the {@code VOLUME} paths
 * @param entrypoint the {@code ENTRYPOINT} argument as written
 * @param environment the {@code ENV} variables
 * @param exposed the {@code EXPOSE} arguments
 * @param copies the {@code COPY} arguments
 */
record DockerImage(String user, List<String> volumes, String entrypoint, Map<String, String> environment,
                   List<String> exposed, List<String> copies) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
    private static final Set<String> SHELLS = Set.of("sh", "/bin/sh", "bash", "/bin/bash");

    /** Reads the runtime stage of a Dockerfile's text. */
    static DockerImage runtimeStage(final String dockerfile) {
        final List<String> stage = new ArrayList<>();
        for (final String instruction : instructions(dockerfile)) {
            if (keyword(instruction).equals("FROM")) {
                stage.clear();
            }
            stage.add(instruction);
        }
        String user = null;
        String entrypoint = null;
        final List<String> volumes = new ArrayList<>();
        final Map<String, String> environment = new LinkedHashMap<>();
        final List<String> exposed = new ArrayList<>();
        final List<String> copies = new ArrayList<>();
        for (final String instruction : stage) {
            final String arguments = arguments(instruction);
            switch (keyword(instruction)) {
                case "USER" -> user = arguments;
                case "ENTRYPOINT" -> entrypoint = arguments;
                case "VOLUME" -> volumes.addAll(words(arguments));
                case "ENV" -> environment.putAll(environment(arguments));
                case "EXPOSE" -> exposed.addAll(words(arguments));
                case "COPY" -> copies.add(arguments);
                default -> { }
            }
        }
        return new DockerImage(user, volumes, entrypoint, environment, exposed, copies);
    }

    /** The user id the stage runs as: the part of {@code USER} before any {@code :group}. */
    String uid() {
        return user == null ? null : user.split(":", 2)[0];
    }

    /** Problems with the user: none set, root, or a name (Kubernetes' runAsNonRoot needs a number). */
    List<String> userProblems() {
        if (user == null) {
            return List.of("The runtime stage sets no USER, so the container runs as root");
        }
        if (uid().equals("root") || uid().equals("0")) {
            return List.of("The runtime stage runs as root (USER " + user + ")");
        }
        if (!uid().matches("\\d+")) {
            return List.of("USER " + user + " is a name: Kubernetes' runAsNonRoot can only verify a numeric uid");
        }
        return List.of();
    }

    /** Problems with the state directory: an absolute path on a {@code VOLUME}. */
    List<String> stateVolumeProblems(final AppFacts app) {
        final String stateDir = app.setting(environment, "--state-dir");
        if (!Path.of(stateDir).isAbsolute()) {
            return List.of("The state directory " + stateDir + " is relative to the working directory, outside any "
                    + "volume: set LOOKOUT_STATE_DIR");
        }
        if (volumes.stream().noneMatch(volume -> contains(volume, stateDir))) {
            return List.of("The state directory " + stateDir + " lies on none of the VOLUMEs " + volumes);
        }
        return List.of();
    }

    /**
     * Problems with the entry point: it must be exec form (a JSON array) and run java without a
     * shell in between, so that SIGTERM reaches the JVM and its shutdown hook runs.
     */
    List<String> entrypointProblems() {
        if (entrypoint == null) {
            return List.of("The runtime stage has no ENTRYPOINT");
        }
        final JsonNode array;
        try {
            array = JSON.readTree(entrypoint);
        } catch (JsonProcessingException e) {
            return List.of("ENTRYPOINT " + entrypoint + " is shell form: /bin/sh would get SIGTERM, not java");
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            return List.of("ENTRYPOINT " + entrypoint + " is not exec form (a JSON array)");
        }
        final List<String> words = new ArrayList<>();
        array.forEach(word -> words.add(word.asText()));
        if (SHELLS.contains(words.get(0))) {
            return List.of("ENTRYPOINT " + entrypoint + " starts a shell: SIGTERM would not reach java");
        }
        if (!words.contains("java")) {
            return List.of("ENTRYPOINT " + entrypoint + " does not run java");
        }
        return List.of();
    }

    /** Problems with the {@code LOOKOUT_*} variables of the stage: each must be one Lookout reads. */
    List<String> environmentProblems(final AppFacts app) {
        return environment.keySet().stream().flatMap(name -> app.unread(name).stream())
                .map(problem -> "Dockerfile ENV: " + problem).toList();
    }

    /** Problems with {@code EXPOSE}: it must name the port the API listens on. */
    List<String> exposeProblems(final AppFacts app) {
        final String port = Integer.toString(app.httpPort(environment));
        final boolean listed = exposed.stream().anyMatch(entry -> entry.replaceFirst("/tcp$", "").equals(port));
        return listed ? List.of() : List.of("EXPOSE " + exposed + " does not include the API port " + port);
    }

    /** Problems with what is copied: the module's jar ({@code target/<finalName>.jar}) and {@code target/lib}. */
    List<String> artifactProblems(final String appFinalName) {
        final List<String> problems = new ArrayList<>();
        for (final String artifact : List.of("app/target/" + appFinalName + ".jar", "app/target/lib")) {
            if (copies.stream().noneMatch(copy -> copy.contains(artifact))) {
                problems.add("The runtime stage copies no " + artifact + " (app/pom.xml builds it)");
            }
        }
        return problems;
    }

    /** Whether {@code path} is {@code dir} or lies under it. */
    static boolean contains(final String dir, final String path) {
        return Path.of(path).normalize().startsWith(Path.of(dir).normalize());
    }

    /** The instructions of a Dockerfile, with continuation lines joined and comments left out. */
    private static List<String> instructions(final String dockerfile) {
        final List<String> instructions = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (final String raw : dockerfile.split("\\R")) {
            final String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                instructions.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            instructions.add(current.toString().strip());
        }
        return instructions;
    }

    private static String keyword(final String instruction) {
        return instruction.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    }

    private static String arguments(final String instruction) {
        final String[] parts = instruction.split("\\s+", 2);
        return parts.length < 2 ? "" : parts[1].strip();
    }

    /** The words of {@code VOLUME} or {@code EXPOSE}: a JSON array or separated by spaces. */
    private static List<String> words(final String arguments) {
        if (arguments.startsWith("[")) {
            try {
                final List<String> words = new ArrayList<>();
                JSON.readTree(arguments).forEach(word -> words.add(word.asText()));
                return words;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Not a JSON array: " + arguments, e);
            }
        }
        return List.of(arguments.split("\\s+"));
    }

    /** {@code KEY=value KEY2="value 2"}, or the older {@code KEY value}. */
    private static Map<String, String> environment(final String arguments) {
        final Map<String, String> variables = new LinkedHashMap<>();
        if (!arguments.split("\\s+", 2)[0].contains("=")) {
            final String[] parts = arguments.split("\\s+", 2);
            variables.put(parts[0], parts.length < 2 ? "" : parts[1]);
            return variables;
        }
        final Matcher pair = ENV_PAIR.matcher(arguments);
        while (pair.find()) {
            final String value = pair.group(2);
            variables.put(pair.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
        }
        return variables;
    }
}
