# One image recipe for every service: docker build --build-arg SERVICE=product-service -t ha-shop/product-service .
# Built on a user's machine or in CI with Docker; this repository's own tests run without containers.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY package.json package-lock.json .npmrc ./
COPY apps/ apps/
COPY libs/ libs/
RUN npm ci --no-audit --no-fund
COPY .swcrc tsconfig.base.json nx.json ./
ARG SERVICE
RUN npx nx run-many -t build --projects="${SERVICE},service-kit,database,auth,events,resilience,observability" --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 SERVICE=${SERVICE}
WORKDIR /app
COPY --from=build --chown=node:node /repo/node_modules ./node_modules
COPY --from=build --chown=node:node /repo/package.json ./package.json
COPY --from=build --chown=node:node /repo/libs ./libs
COPY --from=build --chown=node:node /repo/apps/${SERVICE} ./apps/${SERVICE}
USER node
EXPOSE 8080
# Tracing must load before any instrumented module, hence a preload rather than an import.
ENV NODE_OPTIONS="--require /app/libs/observability/dist/tracing.preload.js --enable-source-maps"
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node apps/${SERVICE}/dist/main.js"]
