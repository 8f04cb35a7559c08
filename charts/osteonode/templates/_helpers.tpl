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

{{- define "osteonode.kafkaClientPropertiesMounted" -}}
{{- if and .Values.cluster.enabled .Values.cluster.kafka.clientPropertiesSecret -}}true{{- end -}}
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
{{- if lt (int .Values.replicaCount) 1 -}}
{{- fail "replicaCount must be at least 1." -}}
{{- end -}}
{{- if .Values.cluster.enabled -}}
{{- include "osteonode.validateCluster" . -}}
{{- else if gt (int .Values.replicaCount) 1 -}}
{{- fail (printf "replicaCount is %d but cluster.enabled is false: a single node's spool, outbox and embedded database belong to one pod. Keep replicaCount 1, or set cluster.enabled with Kafka, S3 and an external PostgreSQL (chart README: Cluster mode)." (int .Values.replicaCount)) -}}
{{- end -}}
{{- if le (int .Values.terminationGracePeriodSeconds) (int .Values.shutdownGraceSeconds) -}}
{{- fail "terminationGracePeriodSeconds must be longer than shutdownGraceSeconds, or Kubernetes kills the node before open associations finish." -}}
{{- end -}}
{{- end -}}

{{/* Cluster mode: every replica shares the PostgreSQL, the site secret, Kafka and the two buckets (docs/scale-out.md). */}}
{{- define "osteonode.validateCluster" -}}
{{- $c := .Values.cluster -}}
{{- if not .Values.database.url -}}
{{- fail "cluster.enabled needs an external PostgreSQL shared by every replica: set database.url and database.existingSecret. The embedded database belongs to one pod." -}}
{{- end -}}
{{- if not (include "osteonode.siteSecretMounted" .) -}}
{{- fail "cluster.enabled needs one site Secret for every replica: set siteSecret.existingSecret (or siteSecret.value). Without it each replica would make its own secret.key and all but the first would refuse to start." -}}
{{- end -}}
{{- if not $c.kafka.bootstrapServers -}}
{{- fail "cluster.enabled needs cluster.kafka.bootstrapServers (host:port,host:port)." -}}
{{- end -}}
{{- if not $c.kafka.topic -}}
{{- fail "cluster.kafka.topic is empty: every replica must use the same topic (default osteonode.objects)." -}}
{{- end -}}
{{- if or (not $c.s3.phiBucket) (not $c.s3.deidBucket) -}}
{{- fail "cluster.enabled needs cluster.s3.phiBucket (identified objects) and cluster.s3.deidBucket (de-identified archive)." -}}
{{- end -}}
{{- if eq $c.s3.phiBucket $c.s3.deidBucket -}}
{{- fail "cluster.s3.phiBucket and cluster.s3.deidBucket are the same bucket: the de-identified archive must be kept apart from identified objects. Give each its own bucket." -}}
{{- end -}}
{{- if not $c.s3.region -}}
{{- fail "cluster.s3.region is empty: us-east-1 suits most S3-compatible services." -}}
{{- end -}}
{{- if not $c.s3.existingSecret -}}
{{- fail "cluster.enabled needs cluster.s3.existingSecret: the Secret holding the keys access-key-id and secret-access-key." -}}
{{- end -}}
{{- end -}}
