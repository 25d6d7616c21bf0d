# The Lookout image: built from the sources, run on a Temurin 17 JRE.
#
#   docker build -t lookout:dev .
#   docker run --rm -p 8080:8080 -v lookout-state:/var/lib/lookout --stop-timeout 60 lookout:dev \
#     --bootstrap-servers kafka:9092 --schema-registry-url http://schema-registry:8081
#
# Needs BuildKit (the default builder since Docker 23) for the Maven cache mount.
# See "Deploy" in README.md for the image's contract, and docker-compose.yml and deploy/ for its use.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas/ schemas/
COPY registry/ registry/
COPY topology/ topology/
COPY app/ app/
# The local Maven repository is a cache shared between builds; it never reaches the image.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests -DskipITs package -pl app -am

FROM eclipse-temurin:17-jre
# curl serves the container health check in docker-compose.yml; the base image does not promise it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# A fixed numeric uid, so that Kubernetes' runAsNonRoot can verify it (deploy/statefulset.yaml).
RUN groupadd --system --gid 10001 lookout \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/lookout --no-create-home \
       --shell /usr/sbin/nologin lookout \
    && mkdir -p /var/lib/lookout \
    && chown 10001:10001 /var/lib/lookout
WORKDIR /opt/lookout
# lookout.jar finds its dependencies through its manifest's Class-Path, in lib/ next to it.
COPY --from=build /src/app/target/lib/ lib/
COPY --from=build /src/app/target/lookout.jar lookout.jar
# Kafka Streams state (and, in embedded mode, the broker's and registry's data) lives on the volume.
# The heap gets half the container's memory: RocksDB keeps its memtables and block caches outside
# the heap. On OutOfMemoryError the JVM exits, so that the orchestrator restarts it.
ENV LOOKOUT_STATE_DIR=/var/lib/lookout/state \
    LOOKOUT_DATA_DIR=/var/lib/lookout/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/var/lib/lookout"]
EXPOSE 8080
USER 10001:10001
# Exec form: java is PID 1 and receives SIGTERM itself. Its shutdown hook closes the HTTP API and
# then Kafka Streams (for up to 30 s), so give the container at least 60 s to stop.
ENTRYPOINT ["java", "-jar", "/opt/lookout/lookout.jar"]
