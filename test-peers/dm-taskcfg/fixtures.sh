#!/usr/bin/env bash
# Regenerates src/test/resources/dm-getcfg/*.yaml: what DM-master's GetCfg returns for each task in tasks/ (DM's own
# code via dm-taskcfg getcfg, password masked). orders-hostile.yaml carries hostile strings in target-database.session
# values and hostile source ids, so the fixture shows how DM's yaml.v2 quotes each of them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/build.sh" >/dev/null
bin=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/dm-$(awk '/pingcap\/tiflow v/ {print $3; exit}' "$here/go.mod")/dm-taskcfg
out="$here/../../src/test/resources/dm-getcfg"
mkdir -p "$out"
for task in "$here"/tasks/*.yaml; do
  "$bin" getcfg < "$task" > "$out/$(basename "$task")"
done
echo "wrote $(ls "$here"/tasks/*.yaml | wc -l) GetCfg fixtures to src/test/resources/dm-getcfg"
