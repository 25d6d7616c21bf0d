#!/bin/bash
# Starts one KRaft node from KAFKA_* environment variables, as the apache/kafka image does:
# KAFKA_FOO_BAR=x becomes foo.bar=x; a double underscore stands for an underscore and a triple
# one for a dash. CLUSTER_ID names the cluster the storage is formatted for.
set -euo pipefail

CONFIG=/opt/kafka/config/server.properties
CLASSPATH="/opt/kafka/config:/opt/kafka/libs/*"
: > "$CONFIG"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JMX_OPTS|KAFKA_LOG4J_OPTS) continue ;;
  esac
  key="$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g')"
  printf '%s=%s\n' "$key" "$value" >> "$CONFIG"
done < <(env | grep '^KAFKA_')
grep -q '^log\.dirs=' "$CONFIG" || echo 'log.dirs=/var/lib/kafka/data' >> "$CONFIG"

java -cp "$CLASSPATH" kafka.tools.StorageTool format --ignore-formatted \
    -t "${CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}" -c "$CONFIG"
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
