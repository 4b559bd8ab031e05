{{/*
Defaults of one workload. A chart's own values are laid over these (ha-shop-lib.values),
so a service chart's values.yaml only says what differs. Every key here must also be
allowed by the chart's values.schema.json.
*/}}
{{- define "ha-shop-lib.defaults" -}}
nameOverride: ""
fullnameOverride: ""
component: service
partOf: ha-shop
image:
  registry: ""
  repository: ""
  tag: ""
  digest: ""
  pullPolicy: IfNotPresent
imagePullSecrets: []
replicaCount: 2
command: []
args: []
ports:
  - name: http
    containerPort: 8080
    servicePort: 8080
    appProtocol: http
config: {}
env: []
envFrom: []
probes:
  port: http
  startup:
    path: /health/startup
    periodSeconds: 2
    timeoutSeconds: 3
    # 2 s x 90: a cold start waits up to three minutes for its database before it is restarted.
    failureThreshold: 90
  liveness:
    path: /health/live
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 3
  readiness:
    path: /health/ready
    periodSeconds: 5
    timeoutSeconds: 3
    failureThreshold: 2
drain:
  # Endpoints and sidecars need a moment to stop sending traffic after the pod is marked
  # terminating; the process keeps serving during this sleep, before it receives SIGTERM.
  preStopSeconds: 5
  # The process's own drain after SIGTERM (readiness down, in-flight requests finish).
  drainMs: 2000
  # Hard limit for the process's shutdown after SIGTERM; the grace period covers preStop plus this.
  graceMs: 15000
resources:
  requests:
    cpu: 100m
    memory: 192Mi
  limits:
    memory: 512Mi
serviceAccount:
  create: true
  name: ""
  automountToken: false
  annotations: {}
podSecurityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  privileged: false
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault
tmpVolume:
  enabled: true
  sizeLimit: 64Mi
extraVolumes: []
extraVolumeMounts: []
podAnnotations: {}
podLabels: {}
nodeSelector: {}
tolerations: []
affinity: {}
topologySpread:
  enabled: true
  maxSkew: 1
  whenUnsatisfiable: ScheduleAnyway
service:
  enabled: true
  type: ClusterIP
autoscaling:
  enabled: true
  minReplicas: 2
  maxReplicas: 10
  targetCPUUtilizationPercentage: 70
  scaleDownStabilizationSeconds: 300
pdb:
  enabled: true
  maxUnavailable: 1
metrics:
  enabled: true
  path: /metrics
  port: http
  interval: 15s
networkPolicy:
  enabled: true
  # Release-local workload names (e.g. checkout-service) whose pods may connect to this one.
  allowFrom: []
  # Release-local workloads this one connects to: [{name, port}].
  allowTo: []
  allowIngressGateway: false
  allowMonitoring: true
  extraIngress: []
  extraEgress: []
istio:
  enabled: true
  # Timeout of every request routed through the VirtualService.
  timeout: 10s
  # Retried only for the methods listed: a retried POST could charge or order twice.
  retries:
    attempts: 2
    perTryTimeout: 3s
    retryOn: connect-failure,refused-stream,unavailable,reset,503
    idempotentMethods: [GET, HEAD, OPTIONS]
  outlierDetection:
    consecutive5xxErrors: 5
    consecutiveGatewayErrors: 3
    interval: 5s
    baseEjectionTime: 30s
    maxEjectionPercent: 50
  connectionPool:
    maxConnections: 200
    http1MaxPendingRequests: 100
    http2MaxRequests: 500
    maxRequestsPerConnection: 0
    connectTimeout: 2s
  # ServiceAccounts (release-local workload names, or full principals) allowed to call this workload.
  allowedCallers: []
  allowIngressGateway: false
  allowMonitoring: true
global:
  image:
    registry: ""
    tag: ""
    pullPolicy: ""
  istio:
    enabled: false
    ingressGatewayPrincipal: cluster.local/ns/istio-system/sa/istio-ingressgateway
    ingressGatewayNamespace: istio-system
  monitoring:
    enabled: false
    namespace: monitoring
    serviceMonitorLabels: {}
  networkPolicy:
    enabled: false
{{- end -}}

{{/*
Defaults overlaid with the chart's values, as YAML: `include "ha-shop-lib.values" . | fromYaml`.
Sprig's mergeOverwrite cannot set a default `true` to `false` (it skips zero values), hence
a merge of our own: maps merge key by key, anything else (lists, scalars, null) replaces.
*/}}
{{- define "ha-shop-lib.values" -}}
{{- $defaults := include "ha-shop-lib.defaults" . | fromYaml -}}
{{- include "ha-shop-lib.deepMerge" (dict "base" $defaults "over" .Values) -}}
{{- end -}}

{{- define "ha-shop-lib.deepMerge" -}}
{{- $out := deepCopy .base -}}
{{- range $k, $v := .over -}}
{{- $cur := get $out $k -}}
{{- if and (kindIs "map" $v) (kindIs "map" $cur) -}}
{{- $_ := set $out $k (include "ha-shop-lib.deepMerge" (dict "base" $cur "over" $v) | fromYaml) -}}
{{- else -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}
