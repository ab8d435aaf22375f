package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"
)

func main() {
	var (
		metricsPath = kingpin.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").Envar("TELEMETRY_PATH").String()
		textDir     = kingpin.Flag("collector.textfile.directory", "Directory to read text files from.").Default("./textfiles").ExistingDir()
		maxRequests int
	)
	kingpin.Flag("web.max-requests", "Maximum parallel scrapes.").Default("40").IntVar(&maxRequests)
	toolkitFlags := kingpinflag.AddFlags(kingpin.CommandLine, ":9100")
	kingpin.Version(version.Print("exporter"))
	kingpin.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	entries, _ := os.ReadDir(*textDir)
	_ = entries
	http.Handle(*metricsPath, http.NotFoundHandler())
	server := &http.Server{}
	if err := web.ListenAndServe(server, toolkitFlags, logger); err != nil {
		os.Exit(1)
	}
}
