#!/usr/bin/env bash
# Builds real DM (dm-master, dm-worker, dmctl) and the TiDB it pins (tidb-server, run with --store=unistore) from
# Go modules, for the real-DM test suite. The Go module proxy serves github.com/pingcap/tiflow at one version only,
# the pseudo-version of master on 2022-03-28 (between DM v5.4.0 and v6.0.0; its OpenAPI has the v5.4 shape); no
# released tag (v6.5, v7.5, v8.5) is served. This wrapper module requires that version and copies tiflow's only
# replace directive. Old code linked by new Go: -checklinkname=0 lets tidb's go:linkname to runtime.buildVersion
# link (Go 1.23+ refuses it otherwise).
# The binaries are cached under ~/.cache/dm-remediation/peers/dm-<version>/; a second run builds nothing.
set -euo pipefail
TIFLOW_VERSION=${TIFLOW_VERSION:-v0.0.0-20220328100242-cc3de9e9e050}
OUT=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/dm-$TIFLOW_VERSION
BINARIES=(dm-master dm-worker dmctl tidb-server)

have_all() { for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done; }
if have_all; then echo "dm $TIFLOW_VERSION: cached in $OUT"; exit 0; fi

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"
started=$(date +%s)
cat > "$work/go.mod" <<MOD
module dmr.test/peers/dm

go 1.18

require github.com/pingcap/tiflow $TIFLOW_VERSION

replace github.com/dgrijalva/jwt-go v3.2.0+incompatible => github.com/golang-jwt/jwt v3.2.1+incompatible
MOD
cp "$here/tools.go" "$work/tools.go"

cd "$work"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
go mod tidy >"$work/tidy.log" 2>&1 || { cat "$work/tidy.log"; exit 1; }
version="-X github.com/pingcap/tiflow/dm/pkg/utils.ReleaseVersion=v6.0.0-dmr-$TIFLOW_VERSION"
go build -trimpath -ldflags="-s -checklinkname=0 $version" -o "$OUT/dm-master" github.com/pingcap/tiflow/dm/cmd/dm-master
go build -trimpath -ldflags="-s -checklinkname=0 $version" -o "$OUT/dm-worker" github.com/pingcap/tiflow/dm/cmd/dm-worker
go build -trimpath -ldflags="-s -checklinkname=0 $version" -o "$OUT/dmctl" github.com/pingcap/tiflow/dm/cmd/dm-ctl
go build -trimpath -ldflags="-s -checklinkname=0" -o "$OUT/tidb-server" github.com/pingcap/tidb/tidb-server
echo "dm $TIFLOW_VERSION: built in $(( $(date +%s) - started )) s into $OUT"
