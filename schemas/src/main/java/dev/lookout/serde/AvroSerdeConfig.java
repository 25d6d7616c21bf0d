package dev.lookout.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;

/**
 * The serde's configuration, read from the same keys Confluent's serdes use, so that a config map
 * works unchanged with {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}.
 *
 * <p>Every invalid value fails with a {@link ConfigException} that names the key.
 */
public record AvroSerdeConfig(
        List<URI> registryUrls,
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        boolean specificAvroReader,
        Optional<String> basicAuthUserInfo,
        int maxRetries,
        Duration retriesWait,
        Duration retriesMaxWait,
        Duration connectTimeout,
        Duration readTimeout,
        Duration latestCacheTtl) {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    /** The URL scheme of the in-process registry, e.g. {@code mem://tests}. */
    public static final String IN_MEMORY_SCHEME = "mem";

    public AvroSerdeConfig {
        registryUrls = List.copyOf(registryUrls);
    }

    /** Reads the configuration from a Kafka-style config map. */
    public static AvroSerdeConfig from(final Map<String, ?> configs) {
        final Object rawUrls = configs.get(SCHEMA_REGISTRY_URL);
        if (rawUrls == null || rawUrls.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, rawUrls,
                    "Missing required configuration: set it to the registry's URL(s), comma-separated, "
                            + "or mem://<scope> for an in-process registry");
        }
        checkSubjectStrategy(configs, KEY_SUBJECT_NAME_STRATEGY);
        checkSubjectStrategy(configs, VALUE_SUBJECT_NAME_STRATEGY);

        final String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "URL");
        final List<URI> urls = new ArrayList<>();
        Optional<String> userInfo = Optional.empty();
        for (final String part : rawUrls.toString().split(",")) {
            final URI url = parseUrl(part.trim());
            if (url.getUserInfo() != null && userInfo.isEmpty()) {
                userInfo = Optional.of(url.getUserInfo());
            }
            urls.add(withoutUserInfo(url));
        }
        switch (source) {
            case "URL" -> { }
            case "USER_INFO" -> {
                final String info = string(configs, BASIC_AUTH_USER_INFO, "");
                if (!info.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)",
                            "must be 'user:password' when " + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
                }
                userInfo = Optional.of(info);
            }
            default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source,
                    "supported values are URL and USER_INFO");
        }
        final long ttl = number(configs, LATEST_CACHE_TTL_SEC, -1, Long.MIN_VALUE);
        return new AvroSerdeConfig(urls,
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                bool(configs, SPECIFIC_AVRO_READER, false),
                userInfo,
                (int) number(configs, MAX_RETRIES, 3, 0),
                Duration.ofMillis(number(configs, RETRIES_WAIT_MS, 1_000, 0)),
                Duration.ofMillis(number(configs, RETRIES_MAX_WAIT_MS, 20_000, 0)),
                Duration.ofMillis(number(configs, HTTP_CONNECT_TIMEOUT_MS, 60_000, 1)),
                Duration.ofMillis(number(configs, HTTP_READ_TIMEOUT_MS, 60_000, 1)),
                ttl < 0 ? Duration.ofSeconds(-1) : Duration.ofSeconds(ttl));
    }

    /** Whether the URLs name the in-process registry ({@code mem://scope}). */
    public boolean inMemory() {
        return IN_MEMORY_SCHEME.equals(registryUrls.get(0).getScheme());
    }

    /** The scope of a {@code mem://scope} URL. */
    public String inMemoryScope() {
        final URI url = registryUrls.get(0);
        return url.getHost() != null ? url.getHost() : url.getSchemeSpecificPart().replaceFirst("^//", "");
    }

    private static URI parseUrl(final String text) {
        try {
            final URI url = new URI(text);
            final String scheme = url.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals(IN_MEMORY_SCHEME))) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, text, "must start with http://, https:// or mem://");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, text, "not a valid URL: " + e.getMessage());
        }
    }

    private static URI withoutUserInfo(final URI url) {
        if (url.getUserInfo() == null) {
            return url;
        }
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), url.getQuery(),
                    url.getFragment());
        } catch (URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, "(hidden)", "not a valid URL: " + e.getMessage());
        }
    }

    private static void checkSubjectStrategy(final Map<String, ?> configs, final String key) {
        final Object value = configs.get(key);
        if (value != null && !value.toString().endsWith("TopicNameStrategy")) {
            throw new ConfigException(key, value, "Lookout's serde implements TopicNameStrategy only "
                    + "(subjects '<topic>-key' and '<topic>-value')");
        }
    }

    private static String string(final Map<String, ?> configs, final String key, final String fallback) {
        final Object value = configs.get(key);
        return value == null ? fallback : value.toString().trim();
    }

    private static boolean bool(final Map<String, ?> configs, final String key, final boolean fallback) {
        final Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        final String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "must be true or false");
    }

    private static long number(final Map<String, ?> configs, final String key, final long fallback, final long min) {
        final Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            final long parsed = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
            if (parsed < min) {
                throw new ConfigException(key, value, "must be at least " + min);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "must be a whole number");
        }
    }
}
