# Load and chaos on top of `make demo` (docs/local-runner.md).
K6_VERSION ?= v1.8.1
K6_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ha-shop/tools/k6-$(K6_VERSION)
K6 := $(K6_DIR)/k6
BASE_URL ?= http://127.0.0.1:8080/api
LOAD_SCRIPT ?= load/shop.js

.PHONY: k6 load chaos-demo

$(K6):
	@bash apps/runner/scripts/install-k6.sh $(K6_VERSION) $(K6_DIR) >/dev/null

k6: $(K6) ## Build the pinned k6 into the per-user tool cache (minutes, once)

load: $(K6) ## k6 load test against the running demo (BASE_URL, LOAD_VUS, LOAD_DURATION)
	@bash apps/runner/scripts/load.sh $(K6) $(LOAD_SCRIPT) $(BASE_URL)

# SCENARIO: ChaosScenario files or folders (the operator's format, e.g. chaos-experiments/) to run
# instead of the scripted phases; each action is mapped to the runner's local chaos.
SCENARIO ?=

chaos-demo: install build ## Failures under load with a verdict (CHAOS_DEMO_ARGS="--short"; SCENARIO=chaos-experiments/...)
	node $(RUNNER_NODE_ARGS) apps/runner/dist/chaos/demo-cli.js $(foreach s,$(SCENARIO),--scenario $(s)) $(CHAOS_DEMO_ARGS)

# Next to the shop under `make demo`: Prometheus (Debian's package, monitoring.mk) and
# Jaeger v2 built from its Go module into the per-user tool cache (minutes, once).
JAEGER_VERSION ?= v1.75.0

.PHONY: jaeger demo-tools load-spike load-shoppers

jaeger: ## Build Jaeger v2 (github.com/jaegertracing/jaeger/cmd/jaeger) into the tool cache (minutes, once)
	@JAEGER_VERSION=$(JAEGER_VERSION) bash scripts/jaeger-build.sh >/dev/null

demo-tools: prometheus-tools jaeger ## Prometheus and Jaeger for make demo (installed/built when missing)

load-spike: ## k6 spike against the running demo: the autoscaler scales out, then back in (LOAD_VUS, LOAD_DURATION)
	@$(MAKE) --no-print-directory load LOAD_PROFILE=spike

load-shoppers: ## k6: 1,000 concurrent shoppers with think time against the running demo (LOAD_VUS, LOAD_DURATION, LOAD_RAMP)
	@$(MAKE) --no-print-directory load LOAD_PROFILE=shoppers
