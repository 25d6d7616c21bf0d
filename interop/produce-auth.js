// Produces auth events into Lookout as a third-party service would: kafkajs for Kafka and
// Confluent's official Avro serializer, which looks up the latest schema registered for
// auth-events-value (it registers nothing itself).
//
//   node produce-auth.js <bootstrap-servers> <registry-url> <events.jsonl>
//
// Each line of the file is an AuthEvent in Avro's JSON form as the serializer takes it: the
// payload union wrapped in its record's full name, times in epoch milliseconds. Records are keyed
// by user_id and partitioned like Java clients do (murmur2). Prints how many were sent.
'use strict';
const fs = require('fs');
const { Kafka, Partitioners, logLevel } = require('kafkajs');
const { SchemaRegistryClient, AvroSerializer, SerdeType } = require('@confluentinc/schemaregistry');

const TOPIC = 'auth-events';
const BATCH = 500;

async function main([bootstrap, url, file]) {
  const registry = SchemaRegistryClient.newClient({ baseURLs: [url] });
  const serializer = new AvroSerializer(registry, SerdeType.VALUE,
    { useLatestVersion: true, autoRegisterSchemas: false });
  const kafka = new Kafka({ clientId: 'third-party-auth', brokers: bootstrap.split(','), logLevel: logLevel.WARN });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const events = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
    for (let start = 0; start < events.length; start += BATCH) {
      const messages = [];
      for (const line of events.slice(start, start + BATCH)) {
        const event = JSON.parse(line);
        messages.push({ key: event.user_id, value: await serializer.serialize(TOPIC, event) });
      }
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
    return String(events.length);
  } finally {
    await producer.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (line) => { process.stdout.write(line + '\n'); },
  (error) => { process.stderr.write(String(error && error.stack || error) + '\n'); process.exit(1); },
);
