{{/*
A one-shot hook Job that runs the workload's image with other arguments (migrations):
(dict "root" $ "v" $v "suffix" "migrate" "args" (list ...) "env" (list ...) "hook" "pre-upgrade" "weight" 0).
Its pods get no sidecar (a sidecar never exits, so the Job would never complete) and the
same hardened security contexts as the workload's pods.
*/}}
{{- define "ha-shop-lib.hookJob" -}}
{{- $v := .v -}}
{{- $name := printf "%s-%s" (include "ha-shop-lib.fullname" .) .suffix | trunc 63 | trimSuffix "-" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ $name }}
  labels:
    {{- include "ha-shop-lib.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-weight: {{ .weight | default 0 | quote }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .backoffLimit | default 6 }}
  activeDeadlineSeconds: {{ .deadlineSeconds | default 600 }}
  ttlSecondsAfterFinished: 3600
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ include "ha-shop-lib.name" . }}-{{ .suffix }}
        app.kubernetes.io/instance: {{ .root.Release.Name }}
        app.kubernetes.io/part-of: {{ $v.partOf }}
        app.kubernetes.io/component: {{ .suffix }}
      annotations:
        sidecar.istio.io/inject: "false"
    spec:
      restartPolicy: Never
      # The workload's ServiceAccount may not exist yet when a pre-install hook runs.
      serviceAccountName: default
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .suffix }}
          image: {{ include "ha-shop-lib.image" . }}
          imagePullPolicy: {{ include "ha-shop-lib.pullPolicy" . }}
          {{- with .command }}
          command:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpVolume.sizeLimit }}
{{- end -}}
