// Serialises and deserialises records with Confluent's official Node.js serdes, for Lookout's
// interop tests. Prints one line: hex bytes or a JSON value.
//
//   node confluent-serde.js decode   <registry-url> <topic> <hex>
//   node confluent-serde.js encode   <registry-url> <topic> <json-value> <schema-id>
//   node confluent-serde.js register <registry-url> <subject> <schema-file>
'use strict';
const fs = require('fs');
const {
  SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType,
} = require('@confluentinc/schemaregistry');

async function main([mode, url, target, arg, extra]) {
  const client = SchemaRegistryClient.newClient({ baseURLs: [url] });
  switch (mode) {
    case 'decode': {
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
      return JSON.stringify(await deserializer.deserialize(target, Buffer.from(arg, 'hex')));
    }
    case 'encode': {
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: Number(extra) });
      return (await serializer.serialize(target, JSON.parse(arg))).toString('hex');
    }
    case 'register': {
      const schema = fs.readFileSync(arg, 'utf8');
      return String(await client.register(target, { schemaType: 'AVRO', schema }));
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main(process.argv.slice(2)).then(
  (line) => { process.stdout.write(line + '\n'); },
  (error) => { process.stderr.write(String(error && error.stack || error) + '\n'); process.exit(1); },
);
