// Package daemon is what upstream's kube-apiserver, kube-controller-manager and
// kube-scheduler main packages share. Those packages cannot be imported, so each
// wrapper in cmd/ builds its command from the exported app package and runs it
// here, with the same side-effect imports upstream's mains carry.
package daemon

import (
	"os"
	_ "time/tzdata" // CronJob time zones work without host zoneinfo

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
)

// Run executes the daemon's command and exits with its status.
func Run(command *cobra.Command) {
	os.Exit(cli.Run(command))
}
