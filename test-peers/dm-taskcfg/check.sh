#!/usr/bin/env bash
# Asks DM's own task-config decoder what it makes of TaskYaml's edits (CheckTaskYaml.java) over the GetCfg fixtures
# and TaskYamlTest's hostile strings. Needs `mvn test-compile` first; builds dm-taskcfg if needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$here/../..
"$here/build.sh" >/dev/null
bin=${DMR_PEERS_DIR:-$HOME/.cache/dm-remediation/peers}/dm-$(awk '/pingcap\/tiflow v/ {print $3; exit}' "$here/go.mod")/dm-taskcfg
cp=$(cd "$repo" && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
java -cp "${CLASSES:-$repo/target/classes}:$repo/target/test-classes:$cp" "$here/CheckTaskYaml.java" "$bin" \
  "$repo/src/test/resources/dm-getcfg"
