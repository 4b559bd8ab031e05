# The two commands a newcomer needs: `make demo` and `make test`.
# Everything they need is installed by the targets themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NX_DAEMON := false
export NX_NO_CLOUD := true
export NX_TUI := false

NODE_MODULES_STAMP := node_modules/.install-stamp
VITEST_RESULTS := .vitest-results.json
# The process that runs the runner and the edge (and, under `make bench`, the bench): 4 MB
# semi-spaces, as the replicas (REPLICA_NODE_ARGS), keep ~35 MB of its RSS for no measurable
# CPU per proxied request (docs/performance.md "Memory").
RUNNER_NODE_ARGS := --max-semi-space-size=4

# Fragments per topic (demo, k8s, observability) add their own targets.
-include make/*.mk

.PHONY: help install build typecheck lint format test test-prepare test-checks demo demo-reset bench

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP) ## Install npm dependencies (from package-lock.json)

build: install ## Compile every service and library (swc)
	npx nx run-many -t build --outputStyle=static

typecheck: install ## Type-check the whole workspace
	npx tsc -p tsconfig.json --noEmit

lint: install ## ESLint (typed rules, module boundaries) and Prettier
	@# The module-boundaries rule reads Nx's cached project graph and silently skips itself without one.
	npx nx show projects > /dev/null
	npx eslint . --max-warnings=0
	npx prettier --check . --log-level warn

format: install ## Rewrite files with Prettier
	npx prettier --write . --log-level warn

# What the tests need, made before vitest starts. On a fresh machine the Go-built tools (the
# Kubernetes control plane, Jaeger, k6) are most of a first run, so they build side by side and
# beside the Node checks: one's downloads and links overlap another's compiles. Each tool caches
# and locks its own build, and the Node checks stay in order in their own sub-make.
test-prepare: install
	@$(MAKE) --no-print-directory -j4 --output-sync=target test-checks k8s-tools jaeger k6

test-checks: install
	@for t in typecheck lint build test-alerts dashboards-check; do $(MAKE) --no-print-directory $$t || exit 1; done

test: test-prepare ## Run every test: unit, integration, end-to-end, failure, observability and control-plane tests
	@status=0; npx vitest run --reporter=default --reporter=json --outputFile.json=$(VITEST_RESULTS) || status=$$?; \
	  node scripts/test-summary.mjs $(VITEST_RESULTS); exit $$status

demo: install build demo-tools ## Run the whole shop on this machine (no Docker); DEMO_ARGS="--replicas 3" to tune
	node $(RUNNER_NODE_ARGS) apps/runner/dist/demo.js $(DEMO_ARGS)

demo-reset: ## Wipe the demo's data (PostgreSQL data, generated keys, admin account, logs)
	@if [ -f .data/run/pids.json ] && kill -0 "$$(sed -n 's/.*"runner": *\([0-9]*\).*/\1/p' .data/run/pids.json)" 2>/dev/null; then \
	  echo "demo-reset: the demo is running; stop it (Ctrl-C) first"; exit 1; fi
	rm -rf .data


bench: build ## Benchmarks: throughput, latency, memory and cold start, as ratios to a ceiling measured in the same run (docs/performance.md)
	node $(RUNNER_NODE_ARGS) bench/run.mjs
