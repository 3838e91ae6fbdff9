# EdgeGateway container images: one Dockerfile, one target per plane.
#
#   docker build --target gateway    -t edgegateway .
#   docker build --target management -t edgegateway-management .
#
# Both binaries are Native AOT: the final images hold one native executable on a runtime-deps base (no .NET
# runtime, no shell), run as a non-root user, need no writable path but /tmp, and listen on 8080.
# docs/container.md explains every build argument, `docker run` / `podman run` for both planes, and the health check.
#
# Build arguments (all optional):
#   SDK_IMAGE     the build stage: .NET 10 SDK with the Native AOT toolchain (clang, llvm, zlib1g-dev); its SDK must
#                 satisfy global.json (10.0.401 or a later feature band)
#   RUNTIME_BASE  the final stages' base: anything with glibc, libssl 3 and CA certificates
#   BINARIES      "source" (default) publishes in the build stage; "prebuilt" takes already-published binaries from
#                 the build context at PREBUILT_DIR/EdgeGateway/EdgeGateway and PREBUILT_DIR/ManagementPlane/ManagementPlane
#                 (where scripts/test.sh publishes them), so CI does not compile twice
#   PREBUILT_DIR  artifacts/publish
#   APP_UID       1654, the user of Microsoft's chiseled images ("app"), used when the base does not set APP_UID
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
ARG RUNTIME_BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
ARG BINARIES=source

# ---------------------------------------------------------------- build: the same `dotnet publish` as scripts/test.sh
FROM ${SDK_IMAGE} AS sdk
# Native AOT compiles for the architecture it runs on: build arm64 images on an arm64 machine (never the SDK under
# QEMU, which .NET does not support), or publish there and use BINARIES=prebuilt (docs/container.md, arm64).
ARG TARGETARCH
WORKDIR /src
# Only what a publish of src/ reads, so a change to tests or docs does not invalidate the restore.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

FROM sdk AS source-gateway
RUN case "${TARGETARCH:-amd64}" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "unsupported TARGETARCH ${TARGETARCH}" >&2; exit 1 ;; esac \
    && dotnet publish src/EdgeGateway -c Release -r "$rid" -o /publish -nologo \
    && mkdir -p /out && cp /publish/EdgeGateway /out/EdgeGateway

FROM sdk AS source-management
RUN case "${TARGETARCH:-amd64}" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "unsupported TARGETARCH ${TARGETARCH}" >&2; exit 1 ;; esac \
    && dotnet publish src/ManagementPlane -c Release -r "$rid" -o /publish -nologo \
    && mkdir -p /out && cp /publish/ManagementPlane /out/ManagementPlane

# ---------------------------------------------------------------- prebuilt: binaries published outside, taken from the context
# Builders without BuildKit (the classic `docker build`, `az acr build`) run every stage above --target, these too,
# even with BINARIES=source and a fresh clone that has no published binaries. So each COPY names one file that is
# always there (global.json) and the binary as a wildcard ("EdgeGatewa[y]"): a wildcard matching nothing is allowed
# beside a source that matches (Docker, BuildKit, buildah), and the stage then holds only /out/global.json. With
# BINARIES=prebuilt and the binary missing, the final stage's COPY --from=...-binary /out/EdgeGateway fails, naming it.
FROM scratch AS prebuilt-gateway
ARG PREBUILT_DIR=artifacts/publish
COPY global.json ${PREBUILT_DIR}/EdgeGateway/EdgeGatewa[y] /out/

FROM scratch AS prebuilt-management
ARG PREBUILT_DIR=artifacts/publish
COPY global.json ${PREBUILT_DIR}/ManagementPlane/ManagementPlan[e] /out/

# BINARIES picks one of the two sources above; BuildKit (and buildah) build only the chosen stages.
FROM ${BINARIES}-gateway AS gateway-binary
FROM ${BINARIES}-management AS management-binary

# ---------------------------------------------------------------- the final images
FROM ${RUNTIME_BASE} AS runtime
ARG APP_UID=1654
# Both planes listen on 8080 (the gateway's default; the management plane's through ASPNETCORE_HTTP_PORTS).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
WORKDIR /app
EXPOSE 8080
# A number, not a name: works on bases without this user in /etc/passwd, and lets platforms check "non-root".
USER ${APP_UID}

FROM runtime AS management
ARG APP_UID=1654
COPY --from=management-binary /out/ManagementPlane /app/ManagementPlane
# An empty /data owned by the image's user, so that a Docker named volume mounted there (created from the image's
# directory, ownership included) is writable by the non-root plane. No shell here for a mkdir/chown: the directory
# comes from the build context (container/management/data, its .gitkeep left out by .dockerignore), copied as an
# entry of its parent so that --chown applies to it with BuildKit and buildah alike.
COPY --chown=${APP_UID}:${APP_UID} container/management/ /
# The disk store (the default) is relative to the working directory: point it at a volume, or use Blob/S3.
ENV Management__Store__Disk__Path=/data
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 CMD ["/app/ManagementPlane", "healthcheck"]
ENTRYPOINT ["/app/ManagementPlane"]

# Last, so that a build without --target gives the gateway.
FROM runtime AS gateway
COPY --from=gateway-binary /out/EdgeGateway /app/EdgeGateway
# Ready means a verified config is loaded: from a backup that can take up to ManagementPlane:StartupTimeout (30 s).
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 CMD ["/app/EdgeGateway", "healthcheck"]
ENTRYPOINT ["/app/EdgeGateway"]
