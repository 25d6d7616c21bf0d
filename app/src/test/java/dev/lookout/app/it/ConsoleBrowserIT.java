package dev.lookout.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lookout.app.LookoutApp;
import dev.lookout.app.http.Json;
import dev.lookout.topology.Events;
import dev.lookout.topology.Names;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * What the people on call look at, against a real embedded system (KRaft broker, registry,
 * Streams, HTTP) with demo traffic running.
 *
 * <p>The console in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver. Checks that an alert raised during the test reaches the live feed, that a
 * user search and the as-of slider show an older email, that the topology page draws every
 * sub-topology, that the health and dead-letter pages show what the instance reports, that no
 * page logs an error, and that every control can be reached by keyboard and has a label. Without
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian's packages {@code chromium}
 * and {@code chromium-driver}, which {@code .ci/run} installs), these tests are skipped and say
 * why. With {@code -Dconsole.screenshots=<dir>} they also save a screenshot of each page there
 * (see {@code docs/console/regenerate}).
 *
 * <p>The Grafana dashboard ({@code deploy/grafana/dashboards/lookout.json}): every metric it
 * queries, with every label it selects on, is in a real {@code /metrics} scrape of the instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    private static final String SCREENSHOTS = System.getProperty("console.screenshots", "");
    private static final Duration PAGE = Duration.ofSeconds(20);
    /** A metric in a PromQL expression, with its label matchers if it has any. */
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:kafka|lookout|jvm|process)_[a-z0-9_]+)(?:\\{([^}]*)})?");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)\\s*(?:=~|!~|!=|=)");

    /** When the test's user registers: now, as the demo traffic moves stream time with the clock. */
    private Instant t0;
    private final List<String> consoleErrors = new ArrayList<>();
    private LookoutApp app;
    private EventProducer producer;
    private WebDriver browser;
    private Path profile;
    private String base;

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        profile = dir.resolve("chromium");
        app = LookoutApp.start(Configs.embedded(dir, "--grace", "2s", "--demo", "true", "--demo-rate", "20"));
        base = "http://localhost:" + app.httpPort();
        await().atMost(Duration.ofSeconds(120)).until(() -> Http.get(app.httpPort(), "/health/ready").status() == 200);
        producer = new EventProducer(app.config().bootstrapServers(), app.config().schemaRegistryUrl());
        t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        producer.send(Events.registered("b-1", "u-browser", "first@example.com", "Browser User", t0));
        producer.send(Events.renamed("b-2", "u-browser", "Browser User II", t0.plusSeconds(1)));
        producer.send(Events.emailChanged("b-3", "u-browser", "first@example.com", "second@example.com",
                t0.plusSeconds(2)));
        producer.raw(Names.AUTH_EVENTS, "u-browser", new byte[] {0, 0, 0, 0, 42, 1, 2, 3});
        // A copy of an applied event, and one far too late: counted as a duplicate and a late event.
        producer.send(Events.registered("b-1", "u-browser", "first@example.com", "Browser User", t0));
        producer.send(Events.failed("b-late", "u-late", "192.0.2.200", t0.minus(Duration.ofHours(1))));
        producer.flush();
    }

    /** The browser, started on first use; a test that needs it is skipped where there is none. */
    private WebDriver browser() {
        if (browser == null) {
            Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                    "SKIPPED: no browser for the console test: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed "
                            + "(Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
            browser = chrome(profile);
        }
        return browser;
    }

    private static WebDriver chrome(final Path profile) {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Flags as this machine's Chromium needs them: no sandbox as root, and no background
        // connections to Google's hosts, which a closed network refuses.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1600", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void anAlertRaisedDuringTheTestAppearsInTheLiveFeed() {
        open("alerts");
        await().atMost(PAGE).until(() -> "live".equals(find("#feed-state").getDomAttribute("data-state")));
        find("#filter-user").sendKeys("u-attacked");

        // Event times of now: with demo traffic moving stream time and a grace of 2 s, older
        // events would be late.
        final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < 5; i++) {
            producer.send(Events.failed("b-fail-" + i, "u-attacked", "203.0.113.77", now.plusMillis(100L * i)));
        }
        producer.flush();
        final long sent = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> !browser().findElements(By.cssSelector("details.alert[data-kind=REPEATED_LOGIN_FAILURE]")).isEmpty());
        final double seconds = (System.nanoTime() - sent) / 1e9;
        System.out.printf("console: the alert reached the live feed %.1f s after its last event was sent%n", seconds);

        final WebElement alert = find("details.alert[data-kind=REPEATED_LOGIN_FAILURE]");
        assertThat(alert.getText()).contains("u-attacked");
        alert.findElement(By.tagName("summary")).click();
        await().atMost(PAGE).until(() -> alert.getText().contains("Triggering events"));
        assertThat(alert.getText()).contains("b-fail-0", "203.0.113.77", "failed logins of one user within");
        final WebElement asOf = alert.findElement(By.cssSelector("a.as-of-link"));
        assertThat(asOf.getDomAttribute("href")).startsWith("#/users/u-attacked?asOf=");

        // Another alert, filtered out, arrives: the list is drawn again and the open episode stays open.
        final String counted = find("#alert-count").getText();
        final Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < 3; i++) {
            producer.send(Events.failed("b-other-" + i, "u-other", "203.0.113.78", later.plusMillis(100L * i)));
        }
        producer.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> !find("#alert-count").getText().equals(counted));
        assertThat(find("details.alert[data-kind=REPEATED_LOGIN_FAILURE]").getDomAttribute("open")).isNotNull();
        screenshot("alerts");
        checkPage();
    }

    @Test
    @Order(2)
    void aUserSearchAndTheAsOfSliderShowTheOlderEmail() {
        open("users");
        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(app.httpPort(), "/api/users/u-browser").status() == 200
                && Http.get(app.httpPort(), "/api/users/u-browser").json().get("eventsApplied").asInt() == 3);
        final WebElement query = find("#user-query");
        query.sendKeys("second@example.com", Keys.ENTER);

        await().atMost(PAGE).until(() -> browser().getCurrentUrl().endsWith("#/users/u-browser"));
        await().atMost(PAGE).until(() -> text("#user-current [data-field=email]").equals("second@example.com"));
        final WebElement slider = await().atMost(PAGE).until(() -> browser().findElements(By.id("as-of")),
                found -> !found.isEmpty()).get(0);
        assertThat(slider.getDomAttribute("max")).isEqualTo("2");
        await().atMost(PAGE).until(() -> text("#as-of-view [data-field=email]").equals("second@example.com"));

        slider.sendKeys(Keys.HOME);
        await().atMost(PAGE).until(() -> text("#as-of-view [data-field=email]").equals("first@example.com"));
        assertThat(text("#as-of-view [data-field=display-name]")).isEqualTo("Browser User");
        assertThat(text("#as-of-time")).contains(t0.toString().replace("T", " "));
        slider.sendKeys(Keys.ARROW_RIGHT);
        await().atMost(PAGE).until(() -> text("#as-of-view [data-field=display-name]").equals("Browser User II"));
        assertThat(text("#as-of-view [data-field=email]")).isEqualTo("first@example.com");
        assertThat(find("#user-events").getText()).contains("b-1", "b-2", "b-3", "UserEmailChanged", Names.USER_EVENTS);
        screenshot("user");
        checkPage();
    }

    @Test
    @Order(3)
    void theTopologyPageDrawsEverySubtopology() {
        final JsonNode topology = Http.get(app.httpPort(), "/api/topology").json();
        open("topology");

        await().atMost(PAGE).until(() -> browser().findElements(By.cssSelector("svg.graph")).size()
                == topology.get("subtopologies").size());
        for (final JsonNode sub : topology.get("subtopologies")) {
            final WebElement graph = find("svg.graph[data-subtopology='" + sub.get("id").asInt() + "']");
            assertThat(graph.findElements(By.cssSelector("g.node"))).hasSize(sub.get("nodes").size());
        }
        await().atMost(PAGE).until(() -> find("g.node[data-node='" + Names.AUTH_EVENTS_SOURCE + "'] text.rate")
                .getText().endsWith("/s"));
        await().atMost(PAGE).until(() -> find("#topology-dead-letters").getText().contains("deserialize"));
        screenshot("topology");
        checkPage();
    }

    @Test
    @Order(4)
    void theHealthAndDeadLetterPagesShowWhatTheInstanceReports() {
        open("health");
        await().atMost(PAGE).until(() -> find("#health-instances").getText().contains("RUNNING, ready"));
        assertThat(find("#health-instances").getText()).contains(Names.AUTH_EVENTS, "Input events per second");
        await().atMost(PAGE).until(() -> !browser().findElements(By.cssSelector(".sparkline canvas")).isEmpty());
        screenshot("health");
        checkPage();

        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(app.httpPort(), "/api/dead-letters").body(),
                body -> body.contains("\"late\"") && body.contains("unknown-schema-id"));
        open("dead-letters");
        await().atMost(PAGE).until(() -> browser().findElements(By.cssSelector("details.dlq-group")).size() >= 2);
        final WebElement group = find("details.dlq-group[data-reason=unknown-schema-id]");
        group.findElement(By.tagName("summary")).click();
        assertThat(group.getText()).contains("deserialize / unknown-schema-id", Names.AUTH_EVENTS + "/",
                "u-browser", "UnknownSchemaIdException");
        screenshot("dead-letters");
        checkPage();
    }

    @Test
    @Order(5)
    void everyPageIsUsableByKeyboardAndEveryControlHasALabel() {
        for (final String page : List.of("alerts", "users/u-browser", "topology", "health", "dead-letters")) {
            open(page);
            await().atMost(PAGE).until(() -> find("main h1").isDisplayed());
            final List<String> unlabelled = script("""
                    return [...document.querySelectorAll('input, select, textarea, button')]
                      .filter(el => el.offsetParent !== null || el.closest('dialog[open]'))
                      .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                        && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
                      .map(el => el.outerHTML.slice(0, 120));""");
            assertThat(unlabelled).as("controls without a label on " + page).isEmpty();

            final List<String> reachable = script("""
                    return [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
                      .filter(el => el.offsetParent !== null && !el.disabled && el.tabIndex >= 0)
                      .map((el, i) => { el.dataset.focusCheck = String(i); return String(i); });""");
            browser().findElement(By.tagName("body")).click();
            final List<String> focused = new ArrayList<>();
            for (int i = 0; i < reachable.size() + 5; i++) {
                browser().switchTo().activeElement().sendKeys(Keys.TAB);
                final String mark = browser().switchTo().activeElement().getDomAttribute("data-focus-check");
                if (mark != null) {
                    focused.add(mark);
                }
            }
            assertThat(focused).as("elements reached with Tab on " + page).containsAll(reachable);
            checkPage();
        }
    }

    @Test
    @Order(6)
    void theGrafanaDashboardQueriesOnlyMetricsAnInstanceExposes() throws IOException {
        final JsonNode dashboard = Json.MAPPER.readTree(Path.of("..", "deploy", "grafana", "dashboards", "lookout.json")
                .toFile());
        final Map<String, Set<String>> queried = new TreeMap<>();
        for (final JsonNode panel : dashboard.get("panels")) {
            for (final JsonNode target : panel.get("targets")) {
                final Matcher selector = SELECTOR.matcher(target.get("expr").asText());
                while (selector.find()) {
                    final Set<String> labels = queried.computeIfAbsent(selector.group(1), name -> new TreeSet<>());
                    if (selector.group(2) != null) {
                        final Matcher label = LABEL.matcher(selector.group(2));
                        while (label.find()) {
                            labels.add(label.group(1));
                        }
                    }
                }
            }
        }
        assertThat(queried).containsKeys("lookout_alerts_total", "lookout_dead_letters_total", "lookout_duplicates_total",
                "lookout_http_server_requests_seconds_bucket", "kafka_stream_state_block_cache_usage");

        // Kafka's metrics reach the registry as the clients create them, so poll for a while.
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            final String scrape = Http.get(app.httpPort(), "/metrics").body();
            final List<String> missing = new ArrayList<>();
            queried.forEach((metric, labels) -> {
                final List<String> series = scrape.lines().filter(line -> line.startsWith(metric + "{")
                        || line.startsWith(metric + " ")).toList();
                if (series.isEmpty()) {
                    missing.add(metric);
                }
                labels.stream().filter(label -> series.stream().noneMatch(line -> line.contains(label + "=\"")))
                        .forEach(label -> missing.add(metric + "{" + label + "}"));
            });
            assertThat(missing).as("queried by the dashboard, absent from /metrics").isEmpty();
        });
    }

    private void open(final String page) {
        browser().get(base + "/#/" + page);
        // A page opened by hash alone keeps the old document: reload so every page starts clean.
        browser().navigate().refresh();
        await().atMost(PAGE).until(() -> !browser().findElements(By.cssSelector("main h1")).isEmpty());
    }

    private WebElement find(final String css) {
        return browser().findElement(By.cssSelector(css));
    }

    private String text(final String css) {
        final List<WebElement> found = browser().findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    @SuppressWarnings("unchecked")
    private List<String> script(final String body) {
        return (List<String>) ((JavascriptExecutor) browser()).executeScript(body);
    }

    /** No error in the browser's console: scripts, CSP, failed requests. */
    private void checkPage() {
        for (final LogEntry entry : browser().manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                consoleErrors.add(entry.getMessage());
            }
        }
        assertThat(consoleErrors).as("errors in the browser console").isEmpty();
    }

    private void screenshot(final String name) {
        if (SCREENSHOTS.isBlank()) {
            return;
        }
        try {
            final File shot = ((TakesScreenshot) browser()).getScreenshotAs(OutputType.FILE);
            final Path target = Path.of(SCREENSHOTS).resolve("console-" + name + ".png");
            Files.createDirectories(target.getParent());
            Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not save the screenshot " + name, e);
        }
    }
}
