{{/* Names and labels shared by every object of the release. */}}
{{- define "werkbank.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "werkbank.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "werkbank.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: runner
{{- end -}}

{{- define "werkbank.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "werkbank.serviceAccountName" -}}
{{- default (include "werkbank.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* Where session (or sandbox) pods live. */}}
{{- define "werkbank.sessionsNamespace" -}}
{{- default (printf "%s-sessions" (include "werkbank.fullname" .)) .Values.learners.sessionsNamespace -}}
{{- end -}}

{{/* The ClusterRole every learner gets in their own namespaces (namespace mode). */}}
{{- define "werkbank.learnerRole" -}}
{{- printf "%s-learner" (include "werkbank.fullname" .) -}}
{{- end -}}

{{- define "werkbank.instructorSecret" -}}
{{- default (printf "%s-instructor" (include "werkbank.fullname" .)) .Values.instructorToken.existingSecret -}}
{{- end -}}

{{- define "werkbank.claimName" -}}
{{- default (printf "%s-data" (include "werkbank.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{- define "werkbank.clustered" -}}
{{- if ne .Values.learners.mode "none" }}true{{ end -}}
{{- end -}}
