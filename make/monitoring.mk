# Prometheus rules and Grafana dashboards as code (docs/observability.md).
PROM_RULES := $(wildcard monitoring/prometheus/rules/*.yml)
PROM_RULE_TESTS := $(wildcard monitoring/prometheus/tests/*.test.yml)
GRAFANA_DIR := monitoring/grafana

.PHONY: prometheus-tools test-alerts dashboards dashboards-check

prometheus-tools: ## Install promtool + prometheus (Debian package) if missing
	@bash scripts/ensure-prometheus.sh >/dev/null

test-alerts: prometheus-tools ## Check the Prometheus rules and run their promtool unit tests
	promtool check rules $(PROM_RULES)
	promtool test rules $(PROM_RULE_TESTS)

$(GRAFANA_DIR)/dist/generate.js: $(wildcard $(GRAFANA_DIR)/src/*.ts) | install
	cd $(GRAFANA_DIR) && npx swc src -d dist --strip-leading-paths --config-file ../../.swcrc --quiet

dashboards: $(GRAFANA_DIR)/dist/generate.js ## Regenerate monitoring/grafana/dashboards/*.json from the TypeScript
	node $(GRAFANA_DIR)/dist/generate.js

dashboards-check: $(GRAFANA_DIR)/dist/generate.js ## Fail if the committed dashboard JSON is stale
	node $(GRAFANA_DIR)/dist/generate.js --check
