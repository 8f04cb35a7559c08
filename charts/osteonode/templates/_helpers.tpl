{{/* The name of every object of a release: <release>-osteonode, or the release name when it already says osteonode. */}}
{{- define "osteonode.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains "osteonode" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-osteonode" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "osteonode.selectorLabels" -}}
app.kubernetes.io/name: osteonode
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "osteonode.labels" -}}
{{ include "osteonode.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The GPU build is the same version with the suffix -gpu (docker/Dockerfile.gpu). */}}
{{- define "osteonode.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.gpu.enabled -}}
{{- $tag = printf "%s-gpu" $tag -}}
{{- end -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}

{{/* Without a site Secret the node keeps secret.key on the data volume (its default). */}}
{{- define "osteonode.siteSecretMounted" -}}
{{- if or .Values.siteSecret.existingSecret .Values.siteSecret.value -}}true{{- end -}}
{{- end -}}

{{- define "osteonode.siteSecretName" -}}
{{- .Values.siteSecret.existingSecret | default (printf "%s-site-secret" (include "osteonode.fullname" .)) -}}
{{- end -}}

{{/* The node's certificate is needed to serve DICOM TLS and to present to the PACS over TLS. */}}
{{- define "osteonode.tlsMounted" -}}
{{- if or .Values.tls.enabled .Values.pacs.tls -}}true{{- end -}}
{{- end -}}

{{- define "osteonode.tlsSecretName" -}}
{{- .Values.tls.existingSecret | default (printf "%s-tls" (include "osteonode.fullname" .)) -}}
{{- end -}}

{{/* Refuses values that would render a pod that cannot work, with what to change. */}}
{{- define "osteonode.validate" -}}
{{- if and (not .Values.dicom.port) (not .Values.tls.enabled) -}}
{{- fail "dicom.port is empty and tls.enabled is false: the node would receive nothing. Set dicom.port or enable tls." -}}
{{- end -}}
{{- if and .Values.tls.enabled .Values.dicom.port (eq (toString .Values.tls.port) (toString .Values.dicom.port)) -}}
{{- fail "tls.port and dicom.port are the same port: give DICOM TLS its own (usually 2762)." -}}
{{- end -}}
{{- if and .Values.database.url (not .Values.database.existingSecret) -}}
{{- fail "database.url is set but database.existingSecret is empty: name the Secret holding the PostgreSQL password (key 'password')." -}}
{{- end -}}
{{- if le (int .Values.terminationGracePeriodSeconds) (int .Values.shutdownGraceSeconds) -}}
{{- fail "terminationGracePeriodSeconds must be longer than shutdownGraceSeconds, or Kubernetes kills the node before open associations finish." -}}
{{- end -}}
{{- end -}}
