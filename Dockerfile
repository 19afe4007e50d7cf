# syntax=docker/dockerfile:1
# Stages: deps (all dependencies) → build (dist/) → runtime (production image, non-root),
# plus dev (source + dev dependencies, `npm start`) and ci (runs `npm test` while building).
#   docker build --target runtime -t moldova-personas .
#   docker build --target ci .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/var/lib/moldova-personas
WORKDIR /app
# Code and data stay root-owned and read-only to the service; only DATA_DIR is writable.
RUN mkdir -p /var/lib/moldova-personas && chown node:node /var/lib/moldova-personas
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# data/ holds the embedded census snapshot (data/.gitkeep keeps the folder until it arrives).
COPY data ./data
COPY openapi ./openapi
USER node
EXPOSE 8080
VOLUME ["/var/lib/moldova-personas"]
# Slim images have no curl: node's fetch probes the liveness endpoint (test/e2e runs this exact line).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM goes straight to node (no shell in between), which drains and exits 0.
CMD ["node", "dist/cli/main.js", "serve"]

FROM deps AS dev
COPY . .
ENV DATA_DIR=/var/lib/moldova-personas
EXPOSE 8080
CMD ["npm", "start"]

FROM deps AS ci
# The browser tests drive Debian's Chromium; the PostgreSQL suites skip (no server in a build).
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm test
