// The upstream etcd main lives in the go.etcd.io/etcd/v3 root module, whose
// go.mod relies on local replace directives; etcdmain is the same entry point
// from a module that builds cleanly as a dependency.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
