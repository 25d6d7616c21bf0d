package dev.lookout.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import org.junit.jupiter.api.Test;

/**
 * The app's own log layout (logback.xml) masks emails and tokens in messages and stack traces,
 * and agrees with {@link Masking}, which code uses for the same purpose.
 */
class LogMaskingTest {

    /** A context configured from the app's own logback.xml (tests otherwise run with a test configuration). */
    private static final LoggerContext CONTEXT = appContext();

    private static LoggerContext appContext() {
        final LoggerContext context = new LoggerContext();
        final JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogMaskingTest.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
        return context;
    }

    private static String layout(final String message, final Object[] arguments, final Throwable error) {
        final LoggerContext context = CONTEXT;
        final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        final ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        final LayoutWrappingEncoder<ILoggingEvent> encoder = (LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder();
        final LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("dev.lookout.test"),
                Level.WARN, message, error, arguments);
        return encoder.getLayout().doLayout(event);
    }

    @Test
    void masksEmailsInMessagesAndUrlEncodedPaths() {
        final String line = layout("Refused GET {} and {} from {}", new Object[]{"/api/users?email=alice.smith@example.com",
                "/internal/emails/bob%40mail.example.org", "127.0.0.1"}, null);

        assertThat(line).contains("a***@example.com").contains("b***%40mail.example.org").contains("127.0.0.1")
                .doesNotContain("alice.smith").doesNotContain("bob%40");
    }

    @Test
    void masksTokensAndKeepsKeyIds() {
        final String line = layout("header Authorization: Bearer {} and {} (key {})",
                new Object[]{"abc.DEF-123_xyz", "lk_Zm9vYmFyYmF6cXV4", "ops"}, null);

        assertThat(line).contains("Bearer ***").contains("lk_***").contains("(key ops)")
                .doesNotContain("abc.DEF-123_xyz").doesNotContain("Zm9vYmFyYmF6cXV4");
    }

    @Test
    void masksStackTracesOnceWithoutAnUnmaskedCopy() {
        final String line = layout("lookup failed", new Object[0],
                new IllegalStateException("no user has the email carol@example.com"));

        assertThat(line).contains("c***@example.com").contains("IllegalStateException").doesNotContain("carol@");
        assertThat(line.split("IllegalStateException", -1)).as("the trace appears once").hasSize(2);
    }

    @Test
    void codeMasksTheSameWayAsTheLayout() throws IOException {
        final String text = "dave@example.com /internal/emails/erin%40example.net Bearer tok.en lk_secret";

        assertThat(Masking.mask(text)).isEqualTo("d***@example.com /internal/emails/e***%40example.net Bearer *** lk_***");
        assertThat(layout(text, new Object[0], null)).endsWith(Masking.mask(text) + System.lineSeparator());
        try (InputStream config = LogMaskingTest.class.getResourceAsStream("/logback.xml")) {
            final String xml = new String(config.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(xml).contains("'" + Masking.EMAIL + "'").contains("'" + Masking.TOKEN.replace("\\\\", "\\") + "'");
        }
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertThat(Masking.mask("user u-00001 at 192.0.2.7, post p-1")).isEqualTo("user u-00001 at 192.0.2.7, post p-1");
    }
}
