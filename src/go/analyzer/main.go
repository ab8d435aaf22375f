// Command analyzer asks the Go compiler's libraries (go/packages, go/types, go/ssa) what a Go
// program does at run time: whether it listens, on which address and how to change it, which
// flags it defines, which subcommand serves, which paths it reads and writes, which variables
// -ldflags -X can stamp and which packages use cgo. It prints one JSON document; see README.md.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

const schemaVersion = 1

func main() {
	dir := flag.String("dir", ".", "directory of the Go module to analyze")
	tags := flag.String("tags", "", "comma-separated build tags")
	goos := flag.String("goos", "linux", "GOOS to load the packages for")
	verbose := flag.Bool("v", false, "print timings on stderr")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	var tagList []string
	for _, t := range strings.Split(*tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tagList = append(tagList, t)
		}
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "analyzer:", err)
		os.Exit(2)
	}
	logf := func(string, ...any) {}
	if *verbose {
		start := time.Now()
		logf = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "analyzer: %6.2fs "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	report := Analyze(Options{Dir: abs, Tags: tagList, GOOS: *goos, Patterns: patterns, Logf: logf})
	out, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "analyzer:", err)
		os.Exit(2)
	}
	os.Stdout.Write(append(out, '\n'))
}
