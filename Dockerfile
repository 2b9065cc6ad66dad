# Tracegres container image: Node 20, production dependencies only, the built web UI,
# a non-root user, and a healthcheck on /ready. Build: docker build -t tracegres .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY packages/otlp/package.json packages/otlp/
COPY packages/schema/package.json packages/schema/
COPY packages/traceql/package.json packages/traceql/
COPY packages/loadgen/package.json packages/loadgen/
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN npm run build --workspace apps/web

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3200 OTLP_HTTP_PORT=4318 HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3200 4317 4318
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3200)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "apps/api/src/main.node.ts"]
