#!/usr/bin/env bash
# Builds real DM (dm-master, dm-worker, dmctl) and the TiDB it pins (tidb-server, run with --store=unistore) for the
# real-DM test suite (mvn -Preal-dm verify). Prints the directory holding the four binaries on its last line.
#
# Default: from Go modules. The Go module proxy serves github.com/pingcap/tiflow at one version only, the
# pseudo-version of master on 2022-03-28 (between DM v5.4.0 and v6.0.0; its OpenAPI has the v5.4 shape; docs/
# real-dm-checks.md says what else was tried). This wrapper module requires that version and copies tiflow's only
# replace directive.
#
# Optional: DMR_TIFLOW_GIT=<a git dir of pingcap/tiflow> TIFLOW_REF=v6.5.0 builds that tag from the git dir instead
# (tiflow's own go.mod and replaces; every dependency of v6.5.0 is on the proxy, tiflow itself is not). CI has no
# such git dir; this is for a machine that has one.
#
# Old code linked by new Go: -checklinkname=0 lets tidb's go:linkname to runtime.buildVersion link (Go 1.23+ refuses
# it otherwise). tidb-server gets a release version: DM parses the downstream's version string and a tidb-server
# built without one ("5.7.25-TiDB-None") makes dm-worker panic at subtask start (br/pkg/version.ParseServerInfo,
# slice bounds out of range).
# The binaries are cached under ~/.cache/dm-remediation/peers/dm-<version>/ with the build revision; a second run
# builds nothing.
set -euo pipefail
BUILD_REV=2
TIFLOW_VERSION=${TIFLOW_VERSION:-v0.0.0-20220328100242-cc3de9e9e050}
if [ -n "${DMR_TIFLOW_GIT:-}" ]; then
  TIFLOW_REF=${TIFLOW_REF:?TIFLOW_REF (a tag of pingcap/tiflow, e.g. v6.5.0) is needed with DMR_TIFLOW_GIT}
  LABEL=$TIFLOW_REF
else
  LABEL=$TIFLOW_VERSION
fi
OUT=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/dm-$LABEL
BINARIES=(dm-master dm-worker dmctl tidb-server)

have_all() {
  for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done
  [ "$(cat "$OUT/.build-rev" 2>/dev/null)" = "$BUILD_REV" ]
}
if have_all; then echo "dm $LABEL: cached in"; echo "$OUT"; exit 0; fi

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"
rm -f "$OUT/.build-rev"
started=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-mod=mod

if [ -n "${DMR_TIFLOW_GIT:-}" ]; then
  git --git-dir="$DMR_TIFLOW_GIT" archive "$TIFLOW_REF" | tar -x -C "$work"
  cd "$work"
  # v6.3+ moved the commands to cmd/; before that they are under dm/cmd/
  if [ -d cmd/dm-master ]; then cmds=./cmd; else cmds=./dm/cmd; fi
  version_var=github.com/pingcap/tiflow/pkg/version.ReleaseVersion
  [ -d pkg/version ] || version_var=github.com/pingcap/tiflow/dm/pkg/utils.ReleaseVersion
  dm_version=$TIFLOW_REF
else
  cat > "$work/go.mod" <<MOD
module dmr.test/peers/dm

go 1.18

require github.com/pingcap/tiflow $TIFLOW_VERSION

replace github.com/dgrijalva/jwt-go v3.2.0+incompatible => github.com/golang-jwt/jwt v3.2.1+incompatible
MOD
  cp "$here/tools.go" "$work/tools.go"
  cd "$work"
  go mod tidy >"$work/tidy.log" 2>&1 || { cat "$work/tidy.log"; exit 1; }
  cmds=github.com/pingcap/tiflow/dm/cmd
  version_var=github.com/pingcap/tiflow/dm/pkg/utils.ReleaseVersion
  dm_version=v6.0.0-dmr-$TIFLOW_VERSION
fi
# the TiDB release string (vX.Y.Z-…, the form DM's version parser reads): tiflow and tidb share release tags; the
# served tiflow pins a tidb of 2022-03-09, on the way to v6.0.0
tidb_pin=$(go list -m -f '{{.Version}}' github.com/pingcap/tidb)
if [ -n "${DMR_TIFLOW_GIT:-}" ]; then tidb_version=$TIFLOW_REF-dmr; else tidb_version=v6.0.0-dmr-${tidb_pin#v}; fi

flags="-s -checklinkname=0"
go build -trimpath -ldflags="$flags -X $version_var=$dm_version" -o "$OUT/dm-master" "$cmds/dm-master"
go build -trimpath -ldflags="$flags -X $version_var=$dm_version" -o "$OUT/dm-worker" "$cmds/dm-worker"
go build -trimpath -ldflags="$flags -X $version_var=$dm_version" -o "$OUT/dmctl" "$cmds/dm-ctl"
go build -trimpath -ldflags="$flags -X github.com/pingcap/tidb/parser/mysql.TiDBReleaseVersion=$tidb_version" \
  -o "$OUT/tidb-server" github.com/pingcap/tidb/tidb-server
echo "$BUILD_REV" > "$OUT/.build-rev"
echo "dm $LABEL: built in $(( $(date +%s) - started )) s into"
echo "$OUT"
