{{/*
The ha-shop service contract (DESIGN §2, libs/service-kit BaseEnv): everything a shop service
chart adds to the generic workload. Other workloads (the chaos operator) do not use this file.
*/}}
{{- define "ha-shop-lib.shop.defaults" -}}
logLevel: info
# This service's database (one database and role per service).
database:
  enabled: true
# Env var name -> key in the release's generated secret (never a value).
secretEnv: {}
# Env var name -> release-local workload whose base URL it receives.
peers: {}
# Workloads whose /events feed this one pulls (analytics-service).
feedSources: []
migrations:
  enabled: true
  args: [dist/migrate.js]
global:
  database:
    mode: cnpg
    external:
      existingSecret: ""
  tracing:
    enabled: false
    otlpEndpoint: ""
  faultInjection:
    enabled: false
  jwks:
    service: user-service
{{- end -}}

{{/* Generic defaults < shop defaults < the chart's values. */}}
{{- define "ha-shop-lib.shop.values" -}}
{{- $base := include "ha-shop-lib.deepMerge" (dict "base" (include "ha-shop-lib.defaults" . | fromYaml) "over" (include "ha-shop-lib.shop.defaults" . | fromYaml)) | fromYaml -}}
{{- include "ha-shop-lib.deepMerge" (dict "base" $base "over" .Values) -}}
{{- end -}}

{{- define "ha-shop-lib.shop.secretName" -}}
{{- include "ha-shop-lib.peerName" (dict "root" .root "name" "secrets") -}}
{{- end -}}

{{- define "ha-shop-lib.shop.dbSecretName" -}}
{{- include "ha-shop-lib.peerName" (dict "root" .root "name" (printf "db-%s" .name)) -}}
{{- end -}}

{{/* http://<release>-<name>.<namespace>.svc.cluster.local:<port> of a peer. */}}
{{- define "ha-shop-lib.shop.peerUrl" -}}
{{- printf "http://%s.%s.svc.cluster.local:8080" (include "ha-shop-lib.peerName" (dict "root" .root "name" .name)) .root.Release.Namespace -}}
{{- end -}}

{{- define "ha-shop-lib.shop.databaseUrlEnv" -}}
{{- $name := include "ha-shop-lib.name" . -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if eq .v.global.database.mode "external" }}
      name: {{ .v.global.database.external.existingSecret | required "global.database.external.existingSecret is required when global.database.mode is external" }}
      key: {{ $name }}
      {{- else }}
      name: {{ include "ha-shop-lib.shop.dbSecretName" (dict "root" .root "name" $name) }}
      key: uri
      {{- end }}
{{- end -}}

{{/* The env a shop service runs with, besides its plain `config` settings. */}}
{{- define "ha-shop-lib.shop.env" -}}
{{- $v := .v -}}
{{- $root := .root -}}
{{- $secret := include "ha-shop-lib.shop.secretName" . -}}
- name: NODE_ENV
  value: production
- name: HOST
  value: 0.0.0.0
- name: PORT
  value: {{ int64 (first $v.ports).containerPort | toString | quote }}
- name: LOG_LEVEL
  value: {{ $v.logLevel }}
- name: SHUTDOWN_DRAIN_MS
  value: {{ int64 $v.drain.drainMs | toString | quote }}
- name: SHUTDOWN_GRACE_MS
  value: {{ int64 $v.drain.graceMs | toString | quote }}
{{- /* With the database created by this release, the first pods migrate (under the advisory
lock) before they report started; the hook Job then only has work on upgrades. */}}
- name: DB_MIGRATE_ON_START
  value: {{ ternary "false" "true" (and $v.migrations.enabled (eq $v.global.database.mode "external")) | quote }}
{{- if $v.database.enabled }}
{{ include "ha-shop-lib.shop.databaseUrlEnv" . }}
{{- end }}
{{- if and (include "ha-shop-lib.istioOn" .) (not (hasKey $v.config "TRUSTED_PROXIES")) }}
{{- /* Requests reach the app from its sidecar (127.0.0.6) after the ingress gateway (a pod
address): both hops are believed, so per-IP limits see the client's address. */}}
- name: TRUSTED_PROXIES
  value: loopback,uniquelocal
{{- end }}
- name: JWKS_URL
  value: {{ printf "%s/.well-known/jwks.json" (include "ha-shop-lib.shop.peerUrl" (dict "root" $root "name" $v.global.jwks.service)) }}
- name: INTERNAL_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: internal-token
{{- if $v.global.faultInjection.enabled }}
- name: FAULT_INJECTION_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: fault-injection-secret
{{- end }}
{{- range $envName, $key := $v.secretEnv }}
- name: {{ $envName }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- range $envName, $peer := $v.peers }}
- name: {{ $envName }}
  value: {{ include "ha-shop-lib.shop.peerUrl" (dict "root" $root "name" $peer) }}
{{- end }}
{{- with $v.feedSources }}
{{- $pairs := list }}
{{- range . }}
{{- $pairs = append $pairs (printf "%s=%s" . (include "ha-shop-lib.shop.peerUrl" (dict "root" $root "name" .))) }}
{{- end }}
- name: FEED_SOURCES
  value: {{ join "," $pairs }}
{{- end }}
{{- if $v.global.tracing.enabled }}
- name: OTEL_SERVICE_NAME
  value: {{ include "ha-shop-lib.name" . }}
- name: OTEL_TRACES_EXPORTER
  value: otlp
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: http/protobuf
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.global.tracing.otlpEndpoint | required "global.tracing.otlpEndpoint is required when tracing is on" }}
{{- end }}
{{- end -}}

{{/*
One shop service: the workload plus its migration Job. The Job runs before an upgrade's
new pods; on a first install it runs after the release's objects exist, because the
database (a CloudNativePG Cluster of the same release) is one of them. With an external
database, which exists beforehand, it runs before install too.
*/}}
{{- define "ha-shop-lib.shop.service" -}}
{{- $v := include "ha-shop-lib.shop.values" . | fromYaml -}}
{{- $ctx := dict "root" . "v" $v -}}
{{- $env := include "ha-shop-lib.shop.env" $ctx | fromYamlArray -}}
{{- $_ := set $ctx "env" $env -}}
{{- $_ := set $ctx "checksum" (toJson (dict "config" $v.config "env" $env) | sha256sum | trunc 16) -}}
{{ include "ha-shop-lib.workload" $ctx }}
{{- if and $v.migrations.enabled $v.database.enabled }}
{{- $hook := ternary "pre-install,pre-upgrade" "post-install,pre-upgrade" (eq $v.global.database.mode "external") }}
{{- $jobEnv := concat (list (dict "name" "NODE_ENV" "value" "production")) (include "ha-shop-lib.shop.databaseUrlEnv" $ctx | fromYamlArray) }}
---
{{ include "ha-shop-lib.hookJob" (dict "root" . "v" $v "suffix" "migrate" "args" $v.migrations.args "env" $jobEnv "hook" $hook "weight" 0) }}
{{- end }}
{{- end -}}
