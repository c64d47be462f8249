// dm-taskcfg runs DM's own task-config code (github.com/pingcap/tiflow/dm/dm/config, the version test-peers/dm
// builds) on a task YAML read from stdin:
//
//	dm-taskcfg getcfg   prints what DM-master's GetCfg returns for the task once started: the config decoded
//	                    as start-task does (Decode), split into subtask configs (TaskConfigToSubTaskConfigs),
//	                    regenerated (SubTaskConfigsToTaskConfig), password masked, marshalled (String)
//	                    (pingcap/tiflow:dm/master/server.go GetCfg; dm-facts §1.2)
//	dm-taskcfg decode   prints, as JSON, what DM makes of the config: each subtask config as start-task
//	                    generates it, with the downstream password (its JSON tag hides it) added
//
// Exit 1 with DM's error on stderr when DM refuses the config.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/pingcap/tiflow/dm/dm/config"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "getcfg" && os.Args[1] != "decode") {
		fmt.Fprintln(os.Stderr, "usage: dm-taskcfg getcfg|decode < task.yaml")
		os.Exit(2)
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	cfg := config.NewTaskConfig()
	if err := cfg.Decode(string(in)); err != nil {
		fail(err)
	}
	// start-task takes each source's connection from the source config; any fixed one does here
	sources := map[string]config.DBConfig{}
	for _, inst := range cfg.MySQLInstances {
		sources[inst.SourceID] = config.DBConfig{Host: "127.0.0.1", Port: 3306, User: "root"}
	}
	subtasks, err := config.TaskConfigToSubTaskConfigs(cfg, sources)
	if err != nil {
		fail(err)
	}
	if os.Args[1] == "getcfg" {
		regenerated := config.SubTaskConfigsToTaskConfig(subtasks...)
		regenerated.TargetDB.Password = "******"
		fmt.Print(regenerated.String())
		return
	}
	type decoded struct {
		Subtask  *config.SubTaskConfig `json:"subtask"`
		Password string                `json:"password"`
	}
	out := make([]decoded, 0, len(subtasks))
	for _, st := range subtasks {
		out = append(out, decoded{Subtask: st, Password: st.To.Password})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fail(err)
	}
	fmt.Println(string(b))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
