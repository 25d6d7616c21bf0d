#!/usr/bin/env bash
# Builds the images the Testcontainers variants of the broker tests need, on a machine that cannot
# pull images (see docs/testing.md):
#   lookout/kafka-local:4.4.0  a Debian rootfs (debootstrap), this machine's JDK 17 and the Kafka
#                              jars the build already resolved (app/target/lib), started like
#                              apache/kafka from KAFKA_* variables;
#   alpine:3.17                the same image under the name of the helper Testcontainers runs.
# Needs root, debootstrap, a running dockerd and `mvn -B -DskipTests package` done first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
IMAGE="${1:-lookout/kafka-local:4.4.0}"
JDK="${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"

ls "$ROOT"/app/target/lib/kafka_2.13-*.jar > /dev/null || { echo "run mvn -B -DskipTests package first" >&2; exit 1; }
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR"
mkdir -p "$ROOTFS/opt/java" "$ROOTFS/opt/kafka/libs" "$ROOTFS/opt/kafka/config" "$ROOTFS/etc/kafka/docker"
# Debian's JDK links into /etc: copy what the links point at, leaving out dangling ones (src.zip).
(cd "$JDK" && find . -xtype l -printf '%P\n') > "$WORK/dangling"
tar -C "$JDK" --dereference --exclude-from="$WORK/dangling" -cf - . | tar -C "$ROOTFS/opt/java" -xf -
cp "$ROOT"/app/target/lib/*.jar "$ROOTFS/opt/kafka/libs/"
install -m 0755 "$ROOT/scripts/testcontainers/kafka-run.sh" "$ROOTFS/etc/kafka/docker/run"
install -m 0644 "$ROOT/scripts/testcontainers/logback.xml" "$ROOTFS/opt/kafka/config/logback.xml"

tar -C "$ROOTFS" -c . | docker import \
    -c 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["/etc/kafka/docker/run"]' - "$IMAGE"
docker tag "$IMAGE" alpine:3.17
echo "built $IMAGE (also tagged alpine:3.17)"
