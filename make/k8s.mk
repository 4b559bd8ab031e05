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

$(K8S_CLI): $(wildcard $(K8S_HARNESS)/src/*.ts) $(K8S_HARNESS)/tsconfig.lib.json
	npx tsc -p $(K8S_HARNESS)/tsconfig.lib.json

k8s-up: install k8s-tools $(K8S_CLI) ## Start the control plane in the background; prints the kubeconfig path
	@node $(K8S_CLI) up --state-dir $(K8S_STATE_DIR) --nodes $(K8S_NODES)

k8s-down: ## Stop the control plane started by k8s-up
	@if [ -f $(K8S_CLI) ]; then node $(K8S_CLI) down --state-dir $(K8S_STATE_DIR); else echo "k8s: not running"; fi

k8s-status: ## Say whether the k8s-up control plane runs, and print its kubeconfig path
	@node $(K8S_CLI) status --state-dir $(K8S_STATE_DIR) || true
