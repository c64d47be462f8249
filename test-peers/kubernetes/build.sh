#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the real-control-plane test suite, from Go modules:
# kube-apiserver and kube-controller-manager from k8s.io/kubernetes, etcd from go.etcd.io/etcd/server/v3.
# k8s.io/kubernetes points its k8s.io/* staging modules at ./staging paths, which do not exist in the module
# zip, so this wrapper module replaces each of them with its published v0.x release of the same minor.
# The version is stamped in with -ldflags -X as k8s' hack/lib/version.sh does, so the API server's /version (and
# with it kubectl and helm) reports v<version>, not v0.0.0-master.
# The binaries are cached under ~/.cache/dm-remediation/peers/kubernetes-<version>-<recipe>/, where <recipe> is a
# hash of this directory's files: a changed recipe never reuses binaries built by an older one. A second run builds
# nothing.
#
# Usage: build.sh [--link PATH]   --link: also make PATH a symlink to the binaries' directory (for the build).
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-1.34.4}
STAGING_VERSION=v0.${K8S_VERSION#1.}
BINARIES=(kube-apiserver kube-controller-manager etcd)
link=""
if [ "${1:-}" = "--link" ]; then link=${2:?--link needs a path}; fi

here=$(cd "$(dirname "$0")" && pwd)
recipe=$( (cd "$here" && cat build.sh tools.go etcd/main.go; echo "$K8S_VERSION") | sha256sum | cut -c1-10)
OUT=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/kubernetes-$K8S_VERSION-$recipe

have_all() { for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done; }
make_link() {
  if [ -n "$link" ]; then mkdir -p "$(dirname "$link")"; ln -sfn "$OUT" "$link"; fi
}
if have_all; then echo "kubernetes $K8S_VERSION: cached in $OUT"; make_link; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etcd" "$work/bin" "$OUT"
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
# what hack/lib/version.sh stamps, for both copies of the version package (the servers read component-base's,
# their clients client-go's)
major=${K8S_VERSION%%.*}
minor=${K8S_VERSION#*.}; minor=${minor%%.*}
ldflags="-s"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
# a partial build must not look complete to the next run: build into the work dir, then move into place
go build -trimpath -ldflags="$ldflags" -o "$work/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags="$ldflags" -o "$work/bin/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
go build -trimpath -ldflags=-s -o "$work/bin/etcd" ./etcd
for b in "${BINARIES[@]}"; do mv "$work/bin/$b" "$OUT/$b"; done
"$OUT/kube-apiserver" --version
echo "kubernetes $K8S_VERSION: built in $(( $(date +%s) - started )) s into $OUT"
make_link
