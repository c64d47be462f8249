{{/* The chart name, overridable. */}}
{{- define "dmr.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart>, or the release name alone when it already holds the chart name; 63 chars for DNS names. */}}
{{- define "dmr.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dmr.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable for the Deployment's lifetime, so nothing that changes on upgrade. */}}
{{- define "dmr.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dmr.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "dmr.labels" -}}
helm.sh/chart: {{ include "dmr.chart" . }}
{{ include "dmr.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "dmr.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dmr.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image; the repair Jobs default to the very same reference. */}}
{{- define "dmr.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* What the repair Jobs' pods take from the chart (JobPodSettings in the operator), as JSON for JOB_POD_SETTINGS. */}}
{{- define "dmr.jobPodSettings" -}}
{{- dict "imagePullSecrets" .Values.imagePullSecrets "resources" .Values.jobs.resources "tolerations" .Values.jobs.tolerations "nodeSelector" .Values.jobs.nodeSelector "podSecurityContext" .Values.jobs.podSecurityContext "securityContext" .Values.jobs.securityContext | toJson }}
{{- end }}

{{- define "dmr.jobImage" -}}
{{- default (include "dmr.image" .) .Values.jobImage }}
{{- end }}

{{- define "dmr.leaseName" -}}
{{- default (include "dmr.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{/*
The rules the operator needs in every namespace it watches, each verb taken from the code that uses it.
Shared by the ClusterRole (all namespaces) and the per-namespace Roles (watchNamespaces).
*/}}
{{- define "dmr.watchRules" -}}
# The custom resource. get: StatusWriter.fresh reads the latest copy before every cycle; list, watch: JOSDK's
# informer on the primary resource; update: StatusWriter.removeAnnotation clears the one-shot retry annotation;
# patch: JOSDK adds and removes its finalizer (dmremediations.dmremediation.io/finalizer) with a patch.
- apiGroups: ["dmremediation.io"]
  resources: ["dmremediations"]
  verbs: ["get", "list", "watch", "update", "patch"]
# update: StatusWriter.write (a PUT on /status that carries the resourceVersion read, so a stale replica conflicts).
- apiGroups: ["dmremediation.io"]
  resources: ["dmremediations/status"]
  verbs: ["update"]
# DM-worker pods and repair Job pods. list, watch: the dm-worker-pods informer (restarts trigger a poll);
# list also WorkerPods.find and RepairJobs.report (a Job's pods, for the fixer's termination message);
# get: WorkerPods.get (node and uid of the worker before and after a restart); delete: FixRelayMeta restarts the
# DM-worker (the StatefulSet re-creates the pod).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "delete"]
# Repair Jobs (precheck, fix-checkpoint, fix-relay-meta). list, watch: the repair-jobs informer; get, create:
# RepairJobs.createIfAbsent and state; delete: RepairJobs.delete stops a stuck Job.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
# Secrets, by name only (no list or watch: the operator cannot enumerate them). get: DownstreamSecret reads the
# user's downstream Secret (DM-master masks the password in the task config it returns) and ConfigVault reads the
# saved task configs; create: ConfigVault.save; patch: ConfigVault adds a task to the saved configs and lifts its
# finalizer (fabric8 edit = JSON patch); delete: ConfigVault.release once the task runs again.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "patch", "delete"]
# Events on the DMRemediation. get: EventRecorder looks for the same event; patch: bumps its count; create: a new one.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "patch"]
# TiDB Operator's DMCluster, by name: MasterTls reads spec.tlsCluster.enabled to know whether DM-master serves https.
- apiGroups: ["pingcap.com"]
  resources: ["dmclusters"]
  verbs: ["get"]
{{- end }}

{{/*
Leader election, in the release namespace. create: the first replica creates the Lease (create cannot be limited
to a name); get, patch: fabric8's LeaseLock reads and renews it (a JSON merge patch); update: JOSDK checks for
get, create and update on leases (LeaderElectionManager.checkLeaseAccess) and will not start without it.
*/}}
{{- define "dmr.leaseRules" -}}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["create"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  resourceNames: [{{ include "dmr.leaseName" . | quote }}]
  verbs: ["get", "update", "patch"]
{{- end }}
