# The two commands a newcomer needs: `make demo` and `make test`.
# Everything they need is installed by the targets themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NX_DAEMON := false
export NX_NO_CLOUD := true
export NX_TUI := false

NODE_MODULES_STAMP := node_modules/.install-stamp

.PHONY: help install build typecheck lint format test test-unit demo demo-reset

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
	npx eslint . --max-warnings=0
	npx prettier --check . --log-level warn

format: install ## Rewrite files with Prettier
	npx prettier --write . --log-level warn

test: install typecheck lint build ## Run every test: unit, integration, end-to-end, failure, chart and operator tests
	npx vitest run

demo: install build ## Run the whole shop on this machine (no Docker)
	node scripts/dist/demo.js

demo-reset: ## Wipe the demo's data (PostgreSQL data, generated keys)
	rm -rf .data

-include make/*.mk
