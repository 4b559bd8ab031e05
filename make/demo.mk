# Load and chaos on top of `make demo` (docs/local-runner.md).
K6_VERSION ?= v1.8.1
K6_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ha-shop/tools/k6-$(K6_VERSION)
K6 := $(K6_DIR)/k6
BASE_URL ?= http://127.0.0.1:8080/api
LOAD_SCRIPT ?= load/shop.js

.PHONY: k6 load chaos-demo

$(K6):
	@bash apps/runner/scripts/install-k6.sh $(K6_VERSION) $(K6_DIR)

k6: $(K6) ## Build the pinned k6 into the per-user tool cache (minutes, once)

load: $(K6) ## k6 load test against the running demo (BASE_URL, LOAD_VUS, LOAD_DURATION)
	@bash apps/runner/scripts/load.sh $(K6) $(LOAD_SCRIPT) $(BASE_URL)

chaos-demo: install build ## Failures under load, phase by phase, with a verdict (CHAOS_DEMO_ARGS="--short")
	node apps/runner/dist/chaos-demo.js $(CHAOS_DEMO_ARGS)
