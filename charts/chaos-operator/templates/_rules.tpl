{{/*
What the operator may do where it runs scenarios: read and update its own resources and
their status (create and delete: the runs of a scheduled scenario), read workloads, delete
pods (pod-delete), create and remove the three Chaos Mesh kinds it uses, write Events.
Nothing on Secrets, ConfigMaps or any other kind.
*/}}
{{- define "chaos-operator.rules" -}}
- apiGroups: [chaos.ha-shop.dev]
  resources: [chaosscenarios]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [chaos.ha-shop.dev]
  resources: [chaosscenarios/status]
  verbs: [get, update, patch]
# Owner references with blockOwnerDeletion need update on the owner's finalizers.
- apiGroups: [chaos.ha-shop.dev]
  resources: [chaosscenarios/finalizers]
  verbs: [update]
- apiGroups: ['']
  resources: [pods]
  verbs: [get, list, watch, delete]
- apiGroups: [apps]
  resources: [deployments, statefulsets, replicasets]
  verbs: [get, list, watch]
- apiGroups: [chaos-mesh.org]
  resources: [podchaos, networkchaos, stresschaos]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: ['']
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/* The leader Lease, in the release namespace only: creating it cannot be limited by name. */}}
{{- define "chaos-operator.leaseRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [create]
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  resourceNames: [{{ .leaseName }}]
  verbs: [get, update]
{{- end -}}
