# One image for every role of madoguchi (serve, command-api, read-api,
# projections, migrate, mail-ingest). ECS picks the role with the task's
# `command`; the default is the all-in-one `serve`.
#
# Build:  docker build -t madoguchi:dev .
# Run:    docker run --rm -p 8080:8080 -e DATABASE_URL=... madoguchi:dev

# Base images are written out in the FROM lines (not ARGs) so that Dependabot
# can propose updates for them. Keep the Rust version in step with
# rust-toolchain.toml.

# --- build -------------------------------------------------------------------
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src

# sqlx's query macros must not try to reach a database at build time.
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never

COPY . .

# The registry and target directories are BuildKit cache mounts, so a rebuild
# on the same builder only recompiles what changed. A cache mount is not part
# of the image, hence the copy of the binary out of it in the same step.
RUN --mount=type=cache,id=madoguchi-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=madoguchi-cargo-git,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,id=madoguchi-target,target=/src/target,sharing=locked \
    cargo build --release --locked --bin madoguchi \
 && install -D -m 0755 target/release/madoguchi /out/madoguchi

# --- runtime -----------------------------------------------------------------
# distroless/cc: glibc, libgcc, CA certificates and tzdata, no shell and no
# package manager. It matches the Debian 12 glibc the binary was linked against.
FROM gcr.io/distroless/cc-debian12:nonroot

ARG REVISION=unknown
ARG VERSION=dev

LABEL org.opencontainers.image.title="madoguchi" \
      org.opencontainers.image.description="LifestyleMart customer-inquiry desk (command API, read API, projections, mail workers)" \
      org.opencontainers.image.vendor="LifestyleMart" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

COPY --from=build /out/madoguchi /usr/local/bin/madoguchi

ENV MADOGUCHI_BIND=0.0.0.0:8080 \
    MADOGUCHI_LOG_FORMAT=json \
    DD_VERSION=${VERSION}

# 65532 is distroless's `nonroot`; numeric so that runtimes which insist on a
# non-root user (runAsNonRoot) can verify it without reading /etc/passwd.
USER 65532:65532
EXPOSE 8080

# ECS uses the health check from the task definition; this one serves
# `docker run` and local compose setups. The runtime has no curl, so the
# binary probes its own /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/madoguchi", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/madoguchi"]
CMD ["serve"]
