#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the real-control-plane test suite, from Go modules:
# kube-apiserver and kube-controller-manager from k8s.io/kubernetes, etcd from go.etcd.io/etcd/server/v3.
# k8s.io/kubernetes points its k8s.io/* staging modules at ./staging paths, which do not exist in the module
# zip, so this wrapper module replaces each of them with its published v0.x release of the same minor.
# The binaries are cached under ~/.cache/dm-remediation/peers/kubernetes-<version>/; a second run builds nothing.
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-1.34.4}
STAGING_VERSION=v0.${K8S_VERSION#1.}
OUT=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/kubernetes-$K8S_VERSION
BINARIES=(kube-apiserver kube-controller-manager etcd)

have_all() { for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done; }
if have_all; then echo "kubernetes $K8S_VERSION: cached in $OUT"; exit 0; fi

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etcd" "$OUT"
started=$(date +%s)

staging=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider cluster-bootstrap
  code-generator component-base component-helpers controller-manager cri-api cri-client csi-translation-lib
  dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy
  kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver)
{
  echo "module dmr.test/peers/kubernetes"
  echo
  echo "go 1.24.0"
  echo
  echo "require k8s.io/kubernetes v$K8S_VERSION"
  echo
  echo "replace ("
  for m in "${staging[@]}"; do echo "	k8s.io/$m => k8s.io/$m $STAGING_VERSION"; done
  echo ")"
} > "$work/go.mod"
cp "$here/etcd/main.go" "$work/etcd/main.go"
cp "$here/tools.go" "$work/tools.go"

cd "$work"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
go mod tidy >"$work/tidy.log" 2>&1 || { cat "$work/tidy.log"; exit 1; }
go build -trimpath -ldflags=-s -o "$OUT/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags=-s -o "$OUT/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
go build -trimpath -ldflags=-s -o "$OUT/etcd" ./etcd
echo "kubernetes $K8S_VERSION: built in $(( $(date +%s) - started )) s into $OUT"
