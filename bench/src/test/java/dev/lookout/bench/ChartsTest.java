package dev.lookout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The charts are SVG documents (text drawn as outlines, so they look the same in every viewer). */
class ChartsTest {

    private static final Pattern FILL = Pattern.compile("fill:(rgb\\([^)]*\\))");

    @Test
    void drawsOneColourPerSeriesOfBars(@TempDir final Path dir) throws Exception {
        final Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("pass-through", List.of(158_561.0, 214_467.0));
        series.put("Lookout", List.of(8_217.0, 7_870.0));

        final Path file = Charts.write(new Chart.Bars("throughput", "Events per second", "events/s",
                List.of("mixed", "logins only"), series), dir);

        assertThat(file).isEqualTo(dir.resolve("throughput.svg"));
        final Set<String> twoSeries = fills(file);
        final Set<String> oneSeries = fills(Charts.write(new Chart.Bars("one", "Events per second", "events/s",
                List.of("mixed", "logins only"), Map.of("Lookout", List.of(8_217.0, 7_870.0))), dir));
        assertThat(twoSeries).hasSize(oneSeries.size() + 1).containsAll(oneSeries);
    }

    @Test
    void drawsADistributionAsAnSvgDocument(@TempDir final Path dir) throws Exception {
        final Path file = Charts.write(new Chart.Cdf("latency", "Detection latency", "milliseconds",
                Map.of("exactly_once_v2", List.of(310.0, 120.0, 95.0, 400.0))), dir);

        final DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        // The file names the SVG 1.1 DTD: parse without fetching it.
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        final Document svg = xml.newDocumentBuilder().parse(file.toFile());
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg.getDocumentElement().getAttribute("viewBox")).isEqualTo("0 0 760 380");
        assertThat(svg.getElementsByTagName("path").getLength()).isGreaterThan(20);
    }

    private static Set<String> fills(final Path file) throws IOException {
        final Set<String> colours = new TreeSet<>();
        final Matcher fill = FILL.matcher(Files.readString(file));
        while (fill.find()) {
            colours.add(fill.group(1).replace(" ", ""));
        }
        return colours;
    }
}
