{{/* Names: Kubernetes names are DNS labels, at most 63 characters. */}}
{{- define "kesos.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-kesos, or just <release> when the release name already contains the chart's. */}}
{{- define "kesos.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's object name, e.g. <fullname>-web; the suffix survives the truncation. */}}
{{- define "kesos.componentName" -}}
{{- $suffix := printf "-%s" .component -}}
{{- printf "%s%s" (include "kesos.fullname" .ctx | trunc (int (sub 63 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "kesos.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Called with (dict "ctx" $ "component" "web"). */}}
{{- define "kesos.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kesos.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "kesos.labels" -}}
helm.sh/chart: {{ include "kesos.chart" .ctx }}
{{ include "kesos.selectorLabels" . }}
app.kubernetes.io/version: {{ include "kesos.imageTag" .ctx | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: kesos
{{- end -}}

{{- define "kesos.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{- define "kesos.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "kesos.imageTag" .) -}}
{{- end -}}

{{- define "kesos.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kesos.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kesos.secretName" -}}
{{- required "secrets.existingSecret wajib diisi: nama Secret yang berisi DATABASE_URL, MIGRATION_DATABASE_URL, REDIS_URL, SECRET_KEY, KESOS_DATA_KEYS dan KESOS_BLIND_INDEX_KEY (buat dengan kubectl create secret generic, lihat docs/deploy.md)." .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "kesos.migrationSecretName" -}}
{{- default (include "kesos.secretName" .) .Values.secrets.migrationSecret -}}
{{- end -}}

{{- define "kesos.settingsName" -}}
{{- include "kesos.componentName" (dict "ctx" . "component" "settings") -}}
{{- end -}}

{{- define "kesos.tenantsName" -}}
{{- .Values.tenants.existingConfigMap | default (include "kesos.componentName" (dict "ctx" . "component" "tenants")) -}}
{{- end -}}

{{- define "kesos.claimName" -}}
{{- .Values.persistence.existingClaim | default (include "kesos.componentName" (dict "ctx" . "component" "berkas")) -}}
{{- end -}}

{{/*
Plain settings, shared by the settings ConfigMap and its hook copy for the migration Job (so both
always agree). Unset optional values are left out: the application's own default applies.
*/}}
{{- define "kesos.settingsData" -}}
{{- $c := .Values.config -}}
{{- $w := .Values.web -}}
{{- $opt := dict
  "KESOS_DATA_KEY_ID" $c.dataKeyId
  "KESOS_BLOCK_PLUGINS" $c.blockPlugins
  "KESOS_LOGIN_MAX_FAILURES" $c.login.maxFailures
  "KESOS_LOGIN_WINDOW_MINUTES" $c.login.windowMinutes
  "KESOS_LOGIN_LOCKOUT_MINUTES" $c.login.lockoutMinutes
  "KESOS_JOB_TIMEOUT" $c.jobs.timeout
  "KESOS_JOB_RETRIES" $c.jobs.retries
  "KESOS_JOB_RETRY_INTERVALS" $c.jobs.retryIntervals
  "KESOS_JOB_REQUEUE_MINUTES" $c.jobs.requeueMinutes
  "KESOS_JOB_HEARTBEAT_GRACE" $c.jobs.heartbeatGrace
  "KESOS_OIDC_ISSUER" $c.oidc.issuer
  "KESOS_OIDC_CLIENT_ID" $c.oidc.clientId
  "KESOS_OIDC_JWKS_URL" $c.oidc.jwksUrl
  "KESOS_OIDC_ROLES_CLAIM" $c.oidc.rolesClaim
  "KESOS_OIDC_USERNAME_CLAIM" $c.oidc.usernameClaim
-}}
{{- $proxyFix := $c.proxyFix -}}
{{- if kindIs "invalid" $proxyFix -}}
{{- $proxyFix = ternary 1 0 .Values.ingress.enabled -}}
{{- end -}}
KESOS_ENV: {{ $c.env | quote }}
KESOS_QUEUE: {{ $c.queue | quote }}
KESOS_LOG_FORMAT: {{ $c.logFormat | quote }}
KESOS_LOG_LEVEL: {{ $c.logLevel | quote }}
KESOS_PROXY_FIX: {{ $proxyFix | toString | quote }}
KESOS_APP_DB_ROLE: {{ .Values.database.appRole | quote }}
KESOS_TENANTS_DIR: "/etc/kesos/tenants"
KESOS_INSTANCE_DIR: "/tmp/kesos"
KESOS_STORAGE: "local"
KESOS_STORAGE_DIR: {{ .Values.persistence.mountPath | quote }}
KESOS_UPLOAD_MAX_MB: {{ $c.uploadMaxMb | toString | quote }}
KESOS_TOKEN_TTL_HOURS: {{ $c.tokenTtlHours | toString | quote }}
KESOS_TRACE_HOOKS: {{ ternary "1" "0" $c.traceHooks | quote }}
KESOS_WEB_BIND: {{ printf "0.0.0.0:%d" (int $w.port) | quote }}
KESOS_WEB_WORKERS: {{ $w.workers | toString | quote }}
KESOS_WEB_WORKER_CLASS: {{ $w.workerClass | quote }}
KESOS_WEB_THREADS: {{ $w.threads | toString | quote }}
KESOS_WEB_TIMEOUT: {{ $w.timeout | toString | quote }}
KESOS_WEB_GRACEFUL_TIMEOUT: {{ $w.gracefulTimeout | toString | quote }}
KESOS_WEB_KEEPALIVE: {{ $w.keepalive | toString | quote }}
{{- range $key := keys $opt | sortAlpha }}
{{- $value := get $opt $key }}
{{- if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The ConfigMap key of a tenant-local profile: <slug>.profiles.<file> (keys have no "/"). */}}
{{- define "kesos.tenantsData" -}}
{{- range $file, $content := .Values.tenants }}
{{- if ne $file "existingConfigMap" }}
{{ $file }}: {{ $content | toString | quote }}
{{- end }}
{{- end }}
{{- range $slug, $files := .Values.tenantProfiles }}
{{- range $file, $content := $files }}
{{ printf "%s.profiles.%s" $slug $file }}: {{ $content | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Volume items placing each key at its path: <slug>.yaml, <slug>/profiles/<file>. */}}
{{- define "kesos.tenantsItems" -}}
{{- range $file, $content := .Values.tenants }}
{{- if ne $file "existingConfigMap" }}
- key: {{ $file }}
  path: {{ $file }}
{{- end }}
{{- end }}
{{- range $slug, $files := .Values.tenantProfiles }}
{{- range $file, $content := $files }}
- key: {{ printf "%s.profiles.%s" $slug $file }}
  path: {{ printf "%s/profiles/%s" $slug $file }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Restart pods when what they read at start-up changes (settings, tenants, profiles). */}}
{{- define "kesos.checksums" -}}
checksum/settings: {{ include "kesos.settingsData" . | sha256sum }}
checksum/tenants: {{ include "kesos.tenantsData" . | sha256sum }}
{{- end -}}

{{/* The restricted Pod Security Standard: non-root, no privilege, the runtime's seccomp profile. */}}
{{- define "kesos.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
# Re-own a large uploads volume only when its root is not already ours.
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "kesos.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/*
Secrets every Kesos process needs. The table owner's URL is not among them: only the migration
Job receives MIGRATION_DATABASE_URL, so a compromised web pod cannot alter the schema or bypass RLS.
*/}}
{{- define "kesos.secretEnv" -}}
{{- $secret := include "kesos.secretName" . -}}
{{- $k := .Values.secrets.keys -}}
{{- range $name, $key := dict "DATABASE_URL" $k.databaseUrl "REDIS_URL" $k.redisUrl "SECRET_KEY" $k.secretKey "KESOS_DATA_KEYS" $k.dataKeys "KESOS_BLIND_INDEX_KEY" $k.blindIndexKey }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
{{- end }}
{{- end -}}

{{/* Environment of every container: settings, secrets, then extraEnv (which wins). */}}
{{- define "kesos.env" -}}
{{- $settings := .settings | default (include "kesos.settingsName" .ctx) -}}
envFrom:
  - configMapRef:
      name: {{ $settings }}
env:
  # The root filesystem is read-only: no bytecode cache, a writable home, logs unbuffered.
  - name: PYTHONDONTWRITEBYTECODE
    value: "1"
  - name: PYTHONUNBUFFERED
    value: "1"
  - name: HOME
    value: /tmp
  {{- include "kesos.secretEnv" .ctx | trim | nindent 2 }}
  {{- with .extra }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- with .ctx.Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "kesos.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- include "kesos.podSecurityContext" . | nindent 2 }}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The volumes of a Kesos pod; (dict "ctx" $ "uploads" true "tenants" "<configmap>"). */}}
{{- define "kesos.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .ctx.Values.tmp.sizeLimit }}
- name: tenants
  configMap:
    name: {{ .tenants | default (include "kesos.tenantsName" .ctx) }}
    {{- if not .ctx.Values.tenants.existingConfigMap }}
    {{- $items := include "kesos.tenantsItems" .ctx | trim }}
    {{- if $items }}
    items:
      {{- $items | nindent 6 }}
    {{- end }}
    {{- end }}
{{- if .uploads }}
- name: berkas
  {{- if .ctx.Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "kesos.claimName" .ctx }}
  {{- else }}
  # persistence.enabled=false: documents live and die with the pod (a trial only).
  emptyDir: {}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "kesos.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: tenants
  mountPath: /etc/kesos/tenants
  readOnly: true
{{- if .uploads }}
- name: berkas
  mountPath: {{ .ctx.Values.persistence.mountPath }}
{{- end }}
{{- end -}}
