{{/* Short name of the workload: the chart name unless nameOverride says otherwise. */}}
{{- define "ha-shop-lib.name" -}}
{{- default .root.Chart.Name .v.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object name: <release>-<name>, or fullnameOverride. */}}
{{- define "ha-shop-lib.fullname" -}}
{{- if .v.fullnameOverride -}}
{{- .v.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "ha-shop-lib.peerName" (dict "root" .root "name" (include "ha-shop-lib.name" .)) -}}
{{- end -}}
{{- end -}}

{{/* Object name of another workload of the same release: (dict "root" $ "name" "user-service"). */}}
{{- define "ha-shop-lib.peerName" -}}
{{- if hasPrefix (printf "%s-" .name) (printf "%s-" .root.Release.Name) -}}
{{- .root.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ha-shop-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ha-shop-lib.name" . }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "ha-shop-lib.labels" -}}
{{ include "ha-shop-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ include "ha-shop-lib.imageTag" . | quote }}
app.kubernetes.io/component: {{ .v.component }}
app.kubernetes.io/part-of: {{ .v.partOf }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* Labels that select the pods of another workload of the same release. */}}
{{- define "ha-shop-lib.peerSelector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "ha-shop-lib.serviceAccountName" -}}
{{- if .v.serviceAccount.create -}}
{{- default (include "ha-shop-lib.fullname" .) .v.serviceAccount.name -}}
{{- else -}}
{{- default "default" .v.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Tag: the workload's, else global.image.tag, else the chart's appVersion. */}}
{{- define "ha-shop-lib.imageTag" -}}
{{- .v.image.tag | default .v.global.image.tag | default .root.Chart.AppVersion | default "latest" -}}
{{- end -}}

{{- define "ha-shop-lib.image" -}}
{{- $registry := .v.image.registry | default .v.global.image.registry -}}
{{- $repo := .v.image.repository | required "image.repository is required" -}}
{{- $ref := ternary (printf "%s/%s" $registry $repo) $repo (ne $registry "") -}}
{{- if .v.image.digest -}}
{{- printf "%s@%s" $ref .v.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (include "ha-shop-lib.imageTag" .) -}}
{{- end -}}
{{- end -}}

{{- define "ha-shop-lib.pullPolicy" -}}
{{- .v.global.image.pullPolicy | default .v.image.pullPolicy -}}
{{- end -}}

{{/* Whether an integration is on: both the global switch and the workload's own. */}}
{{- define "ha-shop-lib.istioOn" -}}
{{- if and .v.global.istio.enabled .v.istio.enabled -}}true{{- end -}}
{{- end -}}
{{- define "ha-shop-lib.monitoringOn" -}}
{{- if and .v.global.monitoring.enabled .v.metrics.enabled -}}true{{- end -}}
{{- end -}}
{{- define "ha-shop-lib.networkPolicyOn" -}}
{{- if and .v.global.networkPolicy.enabled .v.networkPolicy.enabled -}}true{{- end -}}
{{- end -}}
