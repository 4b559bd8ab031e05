{{/*
Mesh-level circuit breaking for calls to this workload: Envoy ejects a replica after
consecutive 5xx or gateway errors and caps connections and queued requests, which
complements the per-caller breakers in code (cockatiel).
*/}}
{{- define "ha-shop-lib.destinationRule" -}}
{{- if include "ha-shop-lib.istioOn" . -}}
{{- $i := .v.istio -}}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  host: {{ include "ha-shop-lib.host" . }}
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
    connectionPool:
      tcp:
        maxConnections: {{ $i.connectionPool.maxConnections }}
        connectTimeout: {{ $i.connectionPool.connectTimeout }}
      http:
        http1MaxPendingRequests: {{ $i.connectionPool.http1MaxPendingRequests }}
        http2MaxRequests: {{ $i.connectionPool.http2MaxRequests }}
        maxRequestsPerConnection: {{ $i.connectionPool.maxRequestsPerConnection }}
    outlierDetection:
      consecutive5xxErrors: {{ $i.outlierDetection.consecutive5xxErrors }}
      consecutiveGatewayErrors: {{ $i.outlierDetection.consecutiveGatewayErrors }}
      interval: {{ $i.outlierDetection.interval }}
      baseEjectionTime: {{ $i.outlierDetection.baseEjectionTime }}
      maxEjectionPercent: {{ $i.outlierDetection.maxEjectionPercent }}
{{- end -}}
{{- end -}}

{{/* Timeouts on every route; retries only on the idempotent methods. */}}
{{- define "ha-shop-lib.virtualService" -}}
{{- if include "ha-shop-lib.istioOn" . -}}
{{- $i := .v.istio -}}
{{- $host := include "ha-shop-lib.host" . -}}
{{- $port := (first .v.ports).servicePort | default (first .v.ports).containerPort -}}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  hosts:
    - {{ $host }}
  http:
    {{- if $i.retries.idempotentMethods }}
    - name: idempotent
      match:
        - method:
            regex: {{ printf "^(%s)$" (join "|" $i.retries.idempotentMethods) | quote }}
      timeout: {{ $i.timeout }}
      retries:
        attempts: {{ $i.retries.attempts }}
        perTryTimeout: {{ $i.retries.perTryTimeout }}
        retryOn: {{ $i.retries.retryOn }}
      route:
        - destination:
            host: {{ $host }}
            port:
              number: {{ $port }}
    {{- end }}
    - name: default
      timeout: {{ $i.timeout }}
      retries:
        attempts: 0
      route:
        - destination:
            host: {{ $host }}
            port:
              number: {{ $port }}
{{- end -}}
{{- end -}}

{{/* Only the listed callers' ServiceAccounts (mTLS identities) reach this workload. */}}
{{- define "ha-shop-lib.authorizationPolicy" -}}
{{- if include "ha-shop-lib.istioOn" . -}}
{{- $i := .v.istio -}}
{{- $root := .root -}}
{{- $principals := list -}}
{{- range $i.allowedCallers -}}
{{- if contains "/" . -}}
{{- $principals = append $principals . -}}
{{- else -}}
{{- $principals = append $principals (printf "cluster.local/ns/%s/sa/%s" $root.Release.Namespace (include "ha-shop-lib.peerName" (dict "root" $root "name" .))) -}}
{{- end -}}
{{- end -}}
{{- if $i.allowIngressGateway -}}
{{- $principals = append $principals .v.global.istio.ingressGatewayPrincipal -}}
{{- end -}}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "ha-shop-lib.selectorLabels" . | nindent 6 }}
  action: ALLOW
  {{- if $principals }}
  rules:
    - from:
        - source:
            principals:
              {{- toYaml $principals | nindent 14 }}
  {{- else }}
  # No callers: an ALLOW policy without rules denies every request.
  rules: []
  {{- end }}
{{- end -}}
{{- end -}}

{{- define "ha-shop-lib.host" -}}
{{- printf "%s.%s.svc.cluster.local" (include "ha-shop-lib.fullname" .) .root.Release.Namespace -}}
{{- end -}}
