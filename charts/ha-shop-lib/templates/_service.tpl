{{- define "ha-shop-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  type: {{ .v.service.type }}
  selector:
    {{- include "ha-shop-lib.selectorLabels" . | nindent 4 }}
  ports:
    {{- range .v.ports }}
    - name: {{ .name }}
      port: {{ .servicePort | default .containerPort }}
      targetPort: {{ .name }}
      protocol: TCP
      {{- with .appProtocol }}
      appProtocol: {{ . }}
      {{- end }}
    {{- end }}
    {{- if and (include "ha-shop-lib.istioOn" .) (include "ha-shop-lib.monitoringOn" .) }}
    # The sidecar's merged metrics (the app's /metrics plus Envoy's), scraped in plain text
    # because the application port only accepts mTLS.
    - name: http-merged-metrics
      port: 15020
      targetPort: 15020
      protocol: TCP
    {{- end }}
{{- end -}}

{{- define "ha-shop-lib.serviceAccount" -}}
{{- if .v.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "ha-shop-lib.serviceAccountName" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
  {{- with .v.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .v.serviceAccount.automountToken }}
{{- end -}}
{{- end -}}

{{- define "ha-shop-lib.hpa" -}}
{{- $a := .v.autoscaling -}}
{{- if $a.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "ha-shop-lib.fullname" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      # A short dip in load must not shed replicas that the next spike needs again.
      stabilizationWindowSeconds: {{ $a.scaleDownStabilizationSeconds }}
      policies:
        - type: Pods
          value: 1
          periodSeconds: 60
    scaleUp:
      stabilizationWindowSeconds: 0
      policies:
        - type: Percent
          value: 100
          periodSeconds: 30
{{- end -}}
{{- end -}}

{{- define "ha-shop-lib.pdb" -}}
{{- if .v.pdb.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .v.pdb.maxUnavailable }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "ha-shop-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
Scrapes /metrics and labels the series with the workload's short name as `service`, the
label every recording rule and dashboard groups by (monitoring/prometheus/rules).
*/}}
{{- define "ha-shop-lib.serviceMonitor" -}}
{{- if include "ha-shop-lib.monitoringOn" . -}}
{{- $m := .v.metrics -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
    {{- with .v.global.monitoring.serviceMonitorLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "ha-shop-lib.selectorLabels" . | nindent 6 }}
  endpoints:
    {{- if include "ha-shop-lib.istioOn" . }}
    - port: http-merged-metrics
      path: /stats/prometheus
    {{- else }}
    - port: {{ $m.port }}
      path: {{ $m.path }}
    {{- end }}
      interval: {{ $m.interval }}
      relabelings:
        - targetLabel: service
          replacement: {{ include "ha-shop-lib.name" . }}
          action: replace
{{- end -}}
{{- end -}}
