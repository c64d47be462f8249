// etcd for the test control plane: the etcd server's own entry point, built from the module version that
// k8s.io/kubernetes requires, so apiserver and etcd agree.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
