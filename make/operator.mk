# The chaos operator (docs/operator.md).
OPERATOR_DIR := operator
CHAOS_CRD := $(OPERATOR_DIR)/deploy/chaosscenario-crd.yaml
CHART_CRD := charts/chaos-operator/crds/chaosscenario-crd.yaml

.PHONY: operator-crd operator-run chaos-demo-cluster

operator-crd: install ## Regenerate the ChaosScenario CRD YAML (operator and chart) from libs/chaos-scenario
	npx nx run-many -t build -p chaos-scenario operator --outputStyle=static
	node $(OPERATOR_DIR)/dist/crd-cli.js $(CHAOS_CRD) $(CHART_CRD)
	node charts/chaos-operator/schema.mjs

operator-run: install ## Run the operator from source against the current KUBECONFIG (installs the CRD)
	npx nx run-many -t build -p chaos-scenario operator --outputStyle=static
	kubectl apply --server-side -f $(CHAOS_CRD)
	cd $(OPERATOR_DIR) && POD_NAMESPACE=$${POD_NAMESPACE:-default} HTTP_PORT=$${HTTP_PORT:-8081} HTTP_HOST=127.0.0.1 node dist/main.js

chaos-demo-cluster: install ## Run chaos-experiments/ in order on the k3d cluster and print the reports (K6=... BASE_URL=... for load)
	npx nx run-many -t build -p chaos-scenario operator --outputStyle=static
	bash $(OPERATOR_DIR)/scripts/chaos-demo-cluster.sh $(CHAOS_FILES)
