# syntax=docker/dockerfile:1
#
# One image recipe for every Lapse service. The build argument MODULE picks the Maven module, i.e. the service:
#
#   docker build --build-arg MODULE=request-service -t lapse/request-service:0.1.0 .
#
# MODULE is one of request-service, policy-engine, grant-issuer, revoker, audit-sink. docker-compose.yml builds all
# of them this way. The image holds only the service's executable jar (the "exec" classifier) and a JRE. The port
# comes from SERVER_PORT or the service's own server.port, so the image does not EXPOSE one.

# ---- Stage 1: build the module and the modules it depends on ------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
# /root/.m2 is a BuildKit cache mount, so the Maven distribution (fetched by mvnw) and the dependencies are downloaded
# once and reused by later builds. It is kept out of the image. sharing=locked makes the five builds that
# `docker compose build` runs in parallel use the cache one at a time: two Maven processes writing the same local
# repository at once can corrupt it.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    set -eu; \
    if [ -z "${MODULE:-}" ]; then \
      echo "Set the build argument MODULE, e.g. --build-arg MODULE=request-service" >&2; exit 1; \
    fi; \
    chmod +x mvnw; \
    ./mvnw -B -q -pl "${MODULE}" -am package -DskipTests

# ---- Stage 2: run it ------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
ARG MODULE

# The compose healthchecks call curl. The Ubuntu-based eclipse-temurin images ship curl already, so normally this
# installs nothing; it only installs curl if a later base image leaves it out.
RUN set -eu; \
    if ! command -v curl >/dev/null 2>&1; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl; \
      rm -rf /var/lib/apt/lists/*; \
    fi

# Run as an unprivileged user with a fixed uid/gid, so files in named volumes keep one owner across rebuilds.
# /var/lib/lapse/audit is where audit-sink keeps its hash-chained log in a container (LAPSE_AUDIT_DIRECTORY). It is
# created here, owned by that user, because an empty named volume mounted there takes its owner from the image.
# Otherwise the volume would be owned by root and the service could not write to it. Other services ignore it.
RUN set -eu; \
    groupadd --gid 10001 lapse; \
    useradd --uid 10001 --gid lapse --no-create-home --home-dir /app --shell /usr/sbin/nologin lapse; \
    mkdir -p /app /var/lib/lapse/audit /var/lib/lapse/identity; \
    chown -R lapse:lapse /var/lib/lapse

WORKDIR /app
COPY --from=build /src/${MODULE}/target/lapse-${MODULE}-0.1.0-exec.jar /app/app.jar

USER 10001:10001
ENTRYPOINT ["java","-XX:MaxRAMPercentage=75","-jar","/app/app.jar"]
