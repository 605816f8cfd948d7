# Production image for gradient-service.
# Stage "build" compiles the TypeScript with the dev dependencies; stage "runtime" carries only
# the production dependencies and the compiled JavaScript, and runs as the unprivileged `node` user.
# NODE_VERSION is the one place the Node version is named: CI builds a stand-in base image and
# runs `npm test` with exactly this version, so the code that ships is the code that was tested.
ARG NODE_VERSION=26.12.1

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Dependencies first: this layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# dist/wasm/ (from assembly/: the SIMD kernel dot-tiles.wasm, the number writer f64-json.wasm, the
# JSON parser json-tape.wasm), then the TypeScript.
RUN npm run build:wasm && npx tsc -p tsconfig.build.json

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# The malloc tunables of `npm start` (README, "Memory"): large buffers reuse freed memory instead
# of fresh pages from the kernel.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
# Owned by root and read-only to the service: a compromised process cannot rewrite its own code.
# dist/ holds the compiled JavaScript and dist/wasm/ the WebAssembly modules it loads.
COPY --from=build /app/dist ./dist
# The golden fixtures served at /v1/fixtures (read at startup; a missing folder would be empty).
COPY fixtures ./fixtures
USER node
EXPOSE 3000
# Slim images have no curl; node's own fetch probes liveness.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Last, because they change on every build: the layers above stay cached.
ARG VERSION=0.0.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="gradient-service" \
      org.opencontainers.image.description="Backpropagation over HTTP: exact cost, gradient and intermediate values of fully-connected networks (REST + JSON-RPC 2.0)" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
# Exec form: node is PID 1 and receives SIGTERM itself (close-with-grace drains in-flight requests).
STOPSIGNAL SIGTERM
CMD ["node", "--initial-old-space-size=128", "dist/src/server.js"]
