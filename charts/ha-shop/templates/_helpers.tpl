{{/* The service charts that are switched on, in start order. */}}
{{- define "ha-shop.services" -}}
{{- $out := list -}}
{{- range $name := list "product-service" "user-service" "checkout-service" "payment-service" "analytics-service" -}}
{{- if (index $.Values $name).enabled -}}{{- $out = append $out $name -}}{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- define "ha-shop.labels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: ha-shop
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selects every pod of the shop in this release (services and their migration Jobs). */}}
{{- define "ha-shop.shopPods" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: ha-shop
{{- end -}}

{{- define "ha-shop.name" -}}
{{- include "ha-shop-lib.peerName" (dict "root" .root "name" .name) -}}
{{- end -}}

{{- define "ha-shop.postgresName" -}}
{{- include "ha-shop.name" (dict "root" . "name" "postgres") -}}
{{- end -}}

{{- define "ha-shop.cnpg" -}}
{{- if eq .Values.global.database.mode "cnpg" -}}true{{- end -}}
{{- end -}}
