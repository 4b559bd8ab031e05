# A real Kubernetes control plane without containers (docs/k8s-control-plane.md).
# The state dir holds the daemon's pid file, log and kubeconfig.
K8S_STATE_DIR ?= $(CURDIR)/.k8s/control-plane
K8S_NODES ?= 3
K8S_HARNESS := libs/k8s-harness
K8S_CLI := $(K8S_HARNESS)/dist/cli.js

.PHONY: k8s-tools k8s-up k8s-down k8s-status

k8s-tools: ## Build etcd, kube-*, kubectl, kwok, helm once into ~/.cache/ha-shop/k8s-tools; fetch third-party CRDs
	@if [ -n "$$HA_SHOP_KUBECONFIG" ] || [ -n "$$HA_SHOP_K8S_BIN_DIR" ]; then \
	  echo "k8s-tools: using $${HA_SHOP_KUBECONFIG:+the cluster in HA_SHOP_KUBECONFIG}$${HA_SHOP_K8S_BIN_DIR:+binaries in HA_SHOP_K8S_BIN_DIR}; no build"; \
	else bash scripts/k8s-tools-build.sh; fi
	@bash scripts/third-party-crds.sh > /dev/null

$(K8S_CLI): $(wildcard $(K8S_HARNESS)/src/*.ts) $(wildcard libs/os-process/src/*.ts)
	npx nx run k8s-harness:build --outputStyle=static

k8s-up: install k8s-tools $(K8S_CLI) ## Start the control plane in the background; prints the kubeconfig path
	@node $(K8S_CLI) up --state-dir $(K8S_STATE_DIR) --nodes $(K8S_NODES)

k8s-down: ## Stop the control plane started by k8s-up
	@if [ -f $(K8S_CLI) ]; then node $(K8S_CLI) down --state-dir $(K8S_STATE_DIR); else echo "k8s: not running"; fi

k8s-status: ## Say whether the k8s-up control plane runs, and print its kubeconfig path
	@node $(K8S_CLI) status --state-dir $(K8S_STATE_DIR) || true

# Charts, images and the k3d demo cluster (docs/kubernetes.md).
CHART_DIRS := charts/product-service charts/user-service charts/checkout-service charts/payment-service charts/analytics-service charts/storefront charts/ha-shop
HELM ?= helm
DEMO_ENV ?= dev
BOOTSTRAP := node k8s/scripts/bootstrap.mjs

.PHONY: charts-generate charts-deps helm-lint images demo-cluster demo-cluster-down load-cluster

charts-generate: ## Copy the alert rules and dashboards into charts/ha-shop/files and rewrite every values.schema.json
	rm -rf charts/ha-shop/files/prometheus-rules charts/ha-shop/files/dashboards
	mkdir -p charts/ha-shop/files/prometheus-rules charts/ha-shop/files/dashboards
	cp monitoring/prometheus/rules/*.yml charts/ha-shop/files/prometheus-rules/
	cp monitoring/grafana/dashboards/*.json charts/ha-shop/files/dashboards/
	node charts/schema/generate.mjs

charts-deps: ## helm dependency build for every chart (the library into each service chart, the services into ha-shop)
	@for c in $(CHART_DIRS); do $(HELM) dependency build $$c --skip-refresh >/dev/null || exit 1; done

helm-lint: charts-deps ## helm lint --strict of every chart
	$(HELM) lint --strict charts/ha-shop-lib $(CHART_DIRS)

images: ## Build every service image and the storefront's with Docker and import them into the k3d cluster
	$(BOOTSTRAP) images

demo-cluster: install ## k3d cluster + Istio, Prometheus/Grafana, CloudNativePG, Jaeger, Chaos Mesh + the shop (DEMO_ENV=dev); prints the URLs
	$(BOOTSTRAP) up --env $(DEMO_ENV)

demo-cluster-down: ## Delete the k3d demo cluster
	$(BOOTSTRAP) down

load-cluster: ## k6 load test against the demo cluster's ingress
	$(MAKE) load BASE_URL=http://localhost:8080/api
