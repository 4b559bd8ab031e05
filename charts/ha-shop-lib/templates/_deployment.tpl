{{/*
The Deployment of one workload: rolling updates that never drop below the desired count,
probes on the service's health endpoints, a preStop pause plus a grace period that covers
the process's own drain, hardened pod and container security contexts, a writable /tmp on
an otherwise read-only root, and pods spread over nodes and zones.
*/}}
{{- define "ha-shop-lib.deployment" -}}
{{- $v := .v -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "ha-shop-lib.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "ha-shop-lib.labels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- with .checksum }}
        checksum/config: {{ . }}
        {{- end }}
        {{- if include "ha-shop-lib.istioOn" . }}
        # The sidecar starts first and stops last, so the app never runs without the mesh.
        proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true, "terminationDrainDuration": "{{ $v.drain.preStopSeconds }}s"}'
        {{- if include "ha-shop-lib.monitoringOn" . }}
        # Read by the sidecar, which serves the app's metrics merged with its own on :15020.
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ include "ha-shop-lib.portNumber" (dict "v" $v "name" $v.metrics.port) | quote }}
        prometheus.io/path: {{ $v.metrics.path }}
        {{- end }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "ha-shop-lib.serviceAccountName" . }}
      automountServiceAccountToken: {{ $v.serviceAccount.automountToken }}
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ include "ha-shop-lib.gracePeriod" . }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- if $v.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
        - topologyKey: {{ $key }}
          maxSkew: {{ $v.topologySpread.maxSkew }}
          whenUnsatisfiable: {{ $v.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "ha-shop-lib.selectorLabels" $ | nindent 14 }}
          matchLabelKeys: [pod-template-hash]
        {{- end }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - {{- include "ha-shop-lib.container" . | nindent 10 }}
      {{- include "ha-shop-lib.volumes" . | nindent 6 }}
{{- end -}}

{{/* preStop pause + the process's shutdown limit + 5 s for the kubelet to see it exit. */}}
{{- define "ha-shop-lib.gracePeriod" -}}
{{- add .v.drain.preStopSeconds (div (add .v.drain.graceMs 999) 1000) 5 -}}
{{- end -}}

{{- define "ha-shop-lib.container" -}}
{{- $v := .v -}}
name: {{ include "ha-shop-lib.name" . }}
image: {{ include "ha-shop-lib.image" . }}
imagePullPolicy: {{ include "ha-shop-lib.pullPolicy" . }}
{{- with $v.command }}
command:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.args }}
args:
  {{- toYaml . | nindent 2 }}
{{- end }}
ports:
  {{- range $v.ports }}
  - name: {{ .name }}
    containerPort: {{ .containerPort }}
    protocol: TCP
  {{- end }}
{{- $env := concat (include "ha-shop-lib.configEnv" $v.config | fromYamlArray) $v.env (.env | default list) }}
{{- with $env }}
env:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.envFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- include "ha-shop-lib.probes" . }}
lifecycle:
  preStop:
    sleep:
      seconds: {{ $v.drain.preStopSeconds }}
resources:
  {{- toYaml $v.resources | nindent 2 }}
securityContext:
  {{- toYaml $v.securityContext | nindent 2 }}
volumeMounts:
  {{- if $v.tmpVolume.enabled }}
  - name: tmp
    mountPath: /tmp
  {{- end }}
  {{- with $v.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
`config` is a flat map of plain settings; values become strings, sorted by name. Helm reads
numbers as floats, whose default format turns 3600000 into 3.6e+06; whole numbers are
printed as integers instead.
*/}}
{{- define "ha-shop-lib.configEnv" -}}
{{- $out := list -}}
{{- range $k, $val := . -}}
{{- $s := toString $val -}}
{{- if and (kindIs "float64" $val) (eq (float64 (int64 $val)) $val) -}}
{{- $s = int64 $val | toString -}}
{{- end -}}
{{- $out = append $out (dict "name" $k "value" $s) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "ha-shop-lib.probes" -}}
{{- $p := .v.probes -}}
{{- range $kind := list "startup" "liveness" "readiness" }}
{{- $probe := get $p $kind }}
{{ $kind }}Probe:
  httpGet:
    path: {{ $probe.path }}
    port: {{ $p.port }}
  periodSeconds: {{ $probe.periodSeconds }}
  timeoutSeconds: {{ $probe.timeoutSeconds }}
  failureThreshold: {{ $probe.failureThreshold }}
{{- end }}
{{- end -}}

{{- define "ha-shop-lib.volumes" -}}
{{- $v := .v -}}
{{- if or $v.tmpVolume.enabled $v.extraVolumes }}
volumes:
  {{- if $v.tmpVolume.enabled }}
  - name: tmp
    emptyDir:
      sizeLimit: {{ $v.tmpVolume.sizeLimit }}
  {{- end }}
  {{- with $v.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Container port number of a named port: (dict "v" $v "name" "http"). */}}
{{- define "ha-shop-lib.portNumber" -}}
{{- $found := "" -}}
{{- range .v.ports -}}
{{- if eq .name $.name -}}{{- $found = .containerPort -}}{{- end -}}
{{- end -}}
{{- required (printf "no port named %s in ports" .name) $found -}}
{{- end -}}
