{{/*
A Role (or ClusterRole) and its binding to the workload's ServiceAccount:
(dict "root" $ "v" $v "kind" "Role" "namespace" "ns" "suffix" "leases" "rules" $rules).
`namespace` (Role only) defaults to the release namespace; `suffix` tells the objects of
one workload apart. Added for the chaos operator, the first workload that talks to the API.
*/}}
{{- define "ha-shop-lib.rbac" -}}
{{- $name := printf "%s%s" (include "ha-shop-lib.fullname" .) (ternary (printf "-%s" .suffix) "" (ne (toString .suffix) "")) | trunc 63 | trimSuffix "-" -}}
{{- $namespaced := eq .kind "Role" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: {{ .kind }}
metadata:
  name: {{ $name }}
  {{- if $namespaced }}
  namespace: {{ .namespace | default .root.Release.Namespace }}
  {{- end }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
rules:
  {{- toYaml .rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: {{ .kind }}Binding
metadata:
  name: {{ $name }}
  {{- if $namespaced }}
  namespace: {{ .namespace | default .root.Release.Namespace }}
  {{- end }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: {{ .kind }}
  name: {{ $name }}
subjects:
  - kind: ServiceAccount
    name: {{ include "ha-shop-lib.serviceAccountName" . }}
    namespace: {{ .root.Release.Namespace }}
{{- end -}}
