# mailverdict: one image for every role (collect, work, alert, run, setup, demo, replay, config check).
# Build stage compiles TypeScript with the dev dependencies; the runtime stage keeps production
# dependencies, the compiled code and the data files it reads, and runs as the unprivileged `node` user.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
# `npm ci` runs the `prepare` script, which compiles src/ and workers/ into dist/.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
# Fewer glibc malloc arenas, and a V8 old space of 192 MB: without the cap V8 lets garbage pile up to a few hundred
# MB before collecting, and collect/work peaked at 383/330 MB over 1,000,000 messages; with it, at about 200 MB
# (bench/results/soak-1000000*.json, docs/performance.md). What a role keeps alive is bounded by its batch limits.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-old-space-size=192 \
    MAILVERDICT_CONFIG=/etc/mailverdict/config.yaml
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
# Index templates and dashboards are read at run time (setup); the demo quarantine is built from demo/templates.
COPY --chown=root:root mappings ./mappings
COPY --chown=root:root dashboards ./dashboards
COPY --chown=root:root demo ./demo
USER node
# Every long-running role serves /health on http.host:http.port of its configuration; `mailverdict health` asks it there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "bin/mailverdict.js", "health"]
ENTRYPOINT ["node", "bin/mailverdict.js"]
CMD ["--help"]
