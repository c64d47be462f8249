#!/usr/bin/env bash
# Builds dm-taskcfg (main.go; go.mod pins the tiflow version test-peers/dm builds) into that peer cache directory.
# Used to generate the GetCfg fixtures of the task-config tests (fixtures.sh) and to check what DM makes of the
# configs TaskYaml edits (check.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/dm-$(awk '/pingcap\/tiflow v/ {print $3; exit}' "$here/go.mod")
if [ -x "$OUT/dm-taskcfg" ] && [ "$OUT/dm-taskcfg" -nt "$here/main.go" ] && [ "$OUT/dm-taskcfg" -nt "$here/go.mod" ]; then
  echo "dm-taskcfg: cached in $OUT"; exit 0
fi
mkdir -p "$OUT"
# -checklinkname=0: tidb's go:linkname to runtime internals, as in test-peers/dm/build.sh
(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -checklinkname=0" -o "$OUT/dm-taskcfg" .)
echo "dm-taskcfg: built into $OUT"
