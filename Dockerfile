# EchoTag gateway image: build with Maven, run on a JRE 17 as a non-root user.
#   docker build -t echotag .
#   docker run -p 8080:8080 -e ECHOTAG_DATABASE_URL=postgresql://user:pass@db:5432/echotag echotag

# --- build ------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The pom alone first: its dependencies form a layer that is rebuilt only when the pom changes.
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -ntp -q -DskipTests package

# --- runtime ----------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl for HEALTHCHECK: a request costs milliseconds, where a second JVM per check would cost
# ~0.5 s of CPU and tens of MiB every interval. Installed explicitly because the base image
# does not promise it.
RUN apt-get update \
  && apt-get install -y --no-install-recommends curl \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 echotag \
  && useradd --system --uid 10001 --gid echotag --home-dir /app --shell /usr/sbin/nologin echotag \
  && mkdir -p /app /var/lib/echotag \
  && chown echotag:echotag /var/lib/echotag

WORKDIR /app
COPY --from=build /src/target/echotag.jar /app/echotag.jar

# The heap follows the container's memory limit; an OutOfMemoryError ends the process so the
# orchestrator restarts it instead of leaving a half-working node.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    ECHOTAG_HTTP_HOST=0.0.0.0 \
    ECHOTAG_HTTP_PORT=8080 \
    ECHOTAG_DATA_DIR=/var/lib/echotag
# The database is external: set ECHOTAG_DATABASE_URL=postgresql://user:password@host:5432/db.
# Left empty, the gateway falls back to its embedded PostgreSQL under /var/lib/echotag/pg
# (fine for a trial; mount a volume there to keep it).
VOLUME ["/var/lib/echotag"]

USER 10001:10001
EXPOSE 8080
# 60 s start period: migrations run before the gateway listens. The port follows ECHOTAG_HTTP_PORT
# if a deployment overrides it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${ECHOTAG_HTTP_PORT}/health/ready" || exit 1

ENTRYPOINT ["java", "-jar", "/app/echotag.jar"]
