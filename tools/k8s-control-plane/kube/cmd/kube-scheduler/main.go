// Mirrors k8s.io/kubernetes/cmd/kube-scheduler on top of its exported app package.
package main

import (
	"github.com/ha-shop/tools/k8s-control-plane/kube/internal/daemon"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	daemon.Run(app.NewSchedulerCommand())
}
