package dev.lookout.serde;

import dev.lookout.schemaregistry.CachingSchemaRegistryClient;
import dev.lookout.schemaregistry.InMemorySchemaRegistry;
import dev.lookout.schemaregistry.RestSchemaRegistryClient;
import dev.lookout.schemaregistry.SchemaRegistryClient;

/** Builds the registry client a serde configuration asks for. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * A caching client for the configured URLs: the shared in-process registry for
     * {@code mem://scope}, otherwise a REST client with the configured retries and credentials.
     */
    public static SchemaRegistryClient create(final AvroSerdeConfig config) {
        final SchemaRegistryClient backend = config.inMemory()
                ? InMemorySchemaRegistry.scope(config.inMemoryScope())
                : new RestSchemaRegistryClient(new RestSchemaRegistryClient.Settings(config.registryUrls(),
                        config.basicAuthUserInfo(), config.maxRetries(), config.retriesWait(),
                        config.retriesMaxWait(), config.connectTimeout(), config.readTimeout()));
        return new CachingSchemaRegistryClient(backend, config.latestCacheTtl());
    }
}
