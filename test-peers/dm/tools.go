//go:build tools

// Keeps the commands this module builds in its module graph for go mod tidy.
package tools

import (
	_ "github.com/pingcap/tidb/tidb-server"
	_ "github.com/pingcap/tiflow/dm/cmd/dm-ctl"
	_ "github.com/pingcap/tiflow/dm/cmd/dm-master"
	_ "github.com/pingcap/tiflow/dm/cmd/dm-worker"
)
