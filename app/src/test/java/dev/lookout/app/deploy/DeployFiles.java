package dev.lookout.app.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.w3c.dom.NodeList;

/**
 * Finds and reads the deployment files of the repository: {@code Dockerfile},
 * {@code docker-compose.yml} and the Kubernetes manifests in {@code deploy/}.
 */
final class DeployFiles {

    static final String KUSTOMIZATION = "kustomization.yaml";
    private static final YAMLMapper YAML = new YAMLMapper();

    private DeployFiles() {
    }

    /** The repository root: the nearest directory up from the working directory with a docker-compose.yml. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    /** Every YAML document in the text; a file may hold several, separated by {@code ---}. */
    static List<JsonNode> yaml(final String text) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(text)) {
            return documents.readAll().stream()
                    .filter(document -> document != null && !document.isMissingNode() && !document.isNull())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one YAML document of a file. */
    static JsonNode yamlFile(final Path file) throws IOException {
        final List<JsonNode> documents = yaml(Files.readString(file));
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " documents, expected one");
        }
        return documents.get(0);
    }

    /** The YAML files of a directory by file name, each with its documents. */
    static Map<String, List<JsonNode>> yamlFiles(final Path dir) throws IOException {
        final Map<String, List<JsonNode>> files = new LinkedHashMap<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (final Path file : listing.sorted().toList()) {
                final String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                    files.put(name, yaml(Files.readString(file)));
                }
            }
        }
        return files;
    }

    /** The {@code <build><finalName>} of a Maven module: its jar is {@code target/<finalName>.jar}. */
    static String finalName(final Path pom) throws Exception {
        final NodeList names = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getElementsByTagName("finalName");
        if (names.getLength() != 1) {
            throw new IllegalStateException(pom + " has " + names.getLength() + " <finalName> elements, expected one");
        }
        return names.item(0).getTextContent().trim();
    }
}
