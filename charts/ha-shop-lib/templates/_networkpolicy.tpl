{{/*
This workload's allows on top of the namespace's default deny (the umbrella chart's
networkpolicies.yaml): ingress from the listed callers only, egress to the listed
workloads only. DNS, the mesh, the database and tracing egress are allowed there.
*/}}
{{- define "ha-shop-lib.networkPolicy" -}}
{{- if include "ha-shop-lib.networkPolicyOn" . -}}
{{- $v := .v -}}
{{- $root := .root -}}
{{- $np := $v.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "ha-shop-lib.fullname" . }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "ha-shop-lib.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress, Egress]
  ingress:
    {{- if $np.allowFrom }}
    - from:
        {{- range $np.allowFrom }}
        - podSelector:
            matchLabels:
              {{- include "ha-shop-lib.peerSelector" (dict "root" $root "name" .) | nindent 14 }}
        {{- end }}
      ports:
        {{- range $v.ports }}
        - port: {{ .containerPort }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- if $np.allowIngressGateway }}
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $v.global.istio.ingressGatewayNamespace }}
      ports:
        {{- range $v.ports }}
        - port: {{ .containerPort }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- if and $np.allowMonitoring (include "ha-shop-lib.monitoringOn" .) }}
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $v.global.monitoring.namespace }}
      ports:
        - port: {{ include "ha-shop-lib.portNumber" (dict "v" $v "name" $v.metrics.port) }}
          protocol: TCP
        {{- if include "ha-shop-lib.istioOn" . }}
        - port: 15020
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  egress:
    {{- range $np.allowTo }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "ha-shop-lib.peerSelector" (dict "root" $root "name" .name) | nindent 14 }}
      ports:
        - port: {{ .port }}
          protocol: TCP
    {{- end }}
    {{- with $np.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}
