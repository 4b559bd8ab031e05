{{/*
Every object of one workload, as a multi-document stream:
(dict "root" $ "v" $v "env" $extraEnv "checksum" $configChecksum). Objects whose
integration is off (Istio, monitoring, NetworkPolicy, HPA, PDB) are left out.
*/}}
{{- define "ha-shop-lib.workload" -}}
{{- $docs := list
  (include "ha-shop-lib.serviceAccount" .)
  (include "ha-shop-lib.deployment" .)
  (ternary (include "ha-shop-lib.service" .) "" (eq (toString .v.service.enabled) "true"))
  (include "ha-shop-lib.hpa" .)
  (include "ha-shop-lib.pdb" .)
  (include "ha-shop-lib.networkPolicy" .)
  (include "ha-shop-lib.serviceMonitor" .)
  (include "ha-shop-lib.destinationRule" .)
  (include "ha-shop-lib.virtualService" .)
  (include "ha-shop-lib.authorizationPolicy" .)
-}}
{{- range $docs }}
{{- if trim . }}
---
{{ . }}
{{- end }}
{{- end }}
{{- end -}}
