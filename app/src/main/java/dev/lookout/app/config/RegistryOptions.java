package dev.lookout.app.config;

import java.util.HashMap;
import java.util.Map;

import dev.lookout.schemaregistry.SchemaRegistryClient;
import dev.lookout.serde.AvroSerdeConfig;
import dev.lookout.serde.SchemaRegistryClients;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the schema registry is: {@code --schema-registry-url}. */
public final class RegistryOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--schema-registry-url", description = "Schema registry URL(s), comma-separated (production mode).")
    private String schemaRegistryUrl;

    /** The URL(s), or null when none were given. */
    public String url() {
        return schemaRegistryUrl;
    }

    /** The URL(s); fails naming the option when none were given. */
    public String requireUrl(final String when) {
        new OptionChecks(mixee).require(schemaRegistryUrl, "--schema-registry-url", when);
        return schemaRegistryUrl;
    }

    /**
     * A client for the registry, with the credentials and retries of the serde settings among the
     * pass-through properties (e.g. {@code --kafka basic.auth.user.info=...}).
     */
    public SchemaRegistryClient client(final Map<String, String> passThrough, final String when) {
        final Map<String, Object> settings = new HashMap<>(passThrough);
        settings.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, requireUrl(when));
        try {
            return SchemaRegistryClients.create(AvroSerdeConfig.from(settings));
        } catch (RuntimeException e) {
            throw new OptionChecks(mixee).problem("Invalid registry setting: " + e.getMessage());
        }
    }
}
