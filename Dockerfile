# syntax=docker/dockerfile:1
# The spoc image: the installable package, built and packed by scripts/package.ts (the
# script test/package/tarball.e2e.test.ts runs), installed on Node 24 and run as a
# non-root user with its state under /var/lib/spoc.
#
#   docker build -t spoc .
#   docker run --rm spoc demo
#   docker run --rm --env-file spoc.env -v "$PWD/spoc.yaml:/etc/spoc/spoc.yaml:ro" \
#     -v spoc-state:/var/lib/spoc spoc sync
#
# The config's state.sqlite must point under the volume (/var/lib/spoc/state.db), as
# deploy/kubernetes/configmap.yaml's does.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY . .
# The repo's own toolchain (pnpm at its pinned version, frozen install), then build + pack.
RUN bash scripts/toolchain.sh node scripts/package.ts

FROM node:24-bookworm-slim
# The tarball's third-party dependencies come from the npm registry at the lockfile's versions.
COPY --from=build /src/dist/spoc-cli-*.tgz /tmp/
RUN npm install --global --no-audit --no-fund /tmp/spoc-cli-*.tgz \
  && rm /tmp/spoc-cli-*.tgz \
  && npm cache clean --force
# A numeric user, so Kubernetes' runAsNonRoot can check it.
RUN groupadd --system --gid 10001 spoc \
  && useradd --system --uid 10001 --gid spoc --home-dir /var/lib/spoc --no-create-home --shell /usr/sbin/nologin spoc \
  && mkdir -p /var/lib/spoc /etc/spoc \
  && chown spoc:spoc /var/lib/spoc
ENV NODE_ENV=production \
  SPOC_CONFIG=/etc/spoc/spoc.yaml
USER 10001:10001
WORKDIR /var/lib/spoc
VOLUME ["/var/lib/spoc"]
# spoc serve --host 0.0.0.0 --port 8080 (it needs SPOC_CONSOLE_TOKEN beyond loopback).
EXPOSE 8080
ENTRYPOINT ["spoc"]
CMD ["sync"]
