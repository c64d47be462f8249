# The production image: the operator jar (controller, fixers, CLI; the sandbox and its dependencies are left out by
# the build) on a Java 17 runtime. The repair Jobs run this same image with their own arguments (fix-checkpoint,
# fix-relay-meta, check-downstream), so nothing but the jar and a JRE is needed.
#
# Build the jar first, then the image:
#   mvn -B package -DskipTests          # -> target/dm-remediation-operator.jar
#   docker build -t dm-remediation-operator:0.1.0 .
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="dm-remediation-operator" \
      org.opencontainers.image.description="Keeps TiDB DM tasks running by applying the DM FAQ's fixes"

# COPY leaves it owned by root (mode 644): readable, not writable, by the user below, so the process cannot change
# its own code.
COPY target/dm-remediation-operator.jar /app/dm-remediation-operator.jar

# A numeric non-root user (the distroless "nonroot" id) so that runAsNonRoot can verify it without /etc/passwd.
# The relay.meta repair Job overrides it with runAsUser 0: relay.meta belongs to DM-worker, which runs as root.
USER 65532:65532

# /metrics, /healthz, /readyz of the operator command.
EXPOSE 8080

# Container JVM flags: size the heap from the container's memory limit instead of the node's memory, and exit on
# OutOfMemoryError so the kubelet restarts a broken JVM instead of leaving it half alive. /tmp is the only writable
# path (an emptyDir under readOnlyRootFilesystem).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "-jar", "/app/dm-remediation-operator.jar"]
# No command given: list the commands. The Deployment passes "operator", the repair Jobs their fixer command.
CMD ["--help"]
