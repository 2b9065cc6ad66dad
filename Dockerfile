# Tracegres container image. Tracegres runs its TypeScript sources directly (through tsx on
# Node, natively on Bun), so the only build step is the web UI.
#
#   docker build -t tracegres .                    Node 20 (the default, last stage)
#   docker build --target bun -t tracegres:bun .   Bun
#
# Both run as a non-root user with production dependencies only, are health-checked on /ready,
# and have the `tracegres` CLI as entrypoint: `docker run tracegres` serves; `docker run
# tracegres migrate | compact | query '{ status = error }' | import /data/traces.json` do the rest.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG BUN_IMAGE=oven/bun:1-slim

# The workspace manifests alone, so the dependency layers below are rebuilt only when one of
# them changes. npm ci needs every workspace's package.json to match the lockfile.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY packages/loadgen/package.json packages/loadgen/
COPY packages/otlp/package.json packages/otlp/
COPY packages/schema/package.json packages/schema/
COPY packages/traceql/package.json packages/traceql/

# Every dependency, to build the web UI. Install scripts stay off: the dev tools that have
# them (bun, deno, workerd) are not needed here, and esbuild runs from its platform package.
FROM manifests AS web
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY packages/ packages/
COPY apps/web/ apps/web/
RUN npm run build --workspace apps/web

# Production dependencies only (tsx is one: it runs the sources on Node).
FROM manifests AS prod-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# What both runtimes run: dependencies, sources, migrations and the built UI; no tests, no dev tools.
FROM ${NODE_IMAGE} AS app
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY package.json package-lock.json ./
COPY packages/ packages/
COPY apps/api/ apps/api/
COPY migrations/ migrations/
COPY apps/web/package.json apps/web/index.html apps/web/
COPY --from=web /app/apps/web/dist apps/web/dist

FROM ${BUN_IMAGE} AS bun
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3200 OTLP_HTTP_PORT=4318 OTLP_GRPC_PORT=4317 DATA_DIR=/data
WORKDIR /app
COPY --from=app --chown=bun:bun /app /app
RUN mkdir -p /data && chown bun:bun /data
USER bun
EXPOSE 3200 4317 4318
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3200)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["bun", "apps/api/src/cli/tracegres.ts"]
CMD ["serve"]

FROM ${NODE_IMAGE} AS node
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3200 OTLP_HTTP_PORT=4318 OTLP_GRPC_PORT=4317 DATA_DIR=/data
WORKDIR /app
COPY --from=app --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3200 4317 4318
# The embedded database (PGlite) keeps its files here when DATABASE_URL is unset.
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3200)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--import", "tsx", "apps/api/src/cli/tracegres.ts"]
CMD ["serve"]
