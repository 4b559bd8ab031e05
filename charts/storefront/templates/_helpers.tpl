{{/* [80, 443] -> NetworkPolicy ports. */}}
{{- define "storefront.tcpPorts" -}}
{{- $out := list -}}
{{- range . -}}
{{- $out = append $out (dict "port" (int64 .) "protocol" "TCP") -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* What /architecture's kubernetes source reads in the release's namespace; nothing it may change. */}}
{{- define "storefront.architectureRules" -}}
- apiGroups: ['']
  resources: [pods, events]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [deployments, replicasets]
  verbs: [get, list, watch]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch]
- apiGroups: [postgresql.cnpg.io]
  resources: [clusters]
  verbs: [get, list, watch]
{{- end -}}
