// Mirrors k8s.io/kubernetes/cmd/kube-controller-manager (main packages cannot
// be imported).
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones work without host zoneinfo

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
