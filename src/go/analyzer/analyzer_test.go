package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.json with what the analyzer says now")

// Each testdata directory is a small module of its own; want.json is the exact document the
// analyzer must print for it (reviewed by hand when written with -update).
func TestTestdata(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/go.mod")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no testdata modules: %v", err)
	}
	for _, gomod := range dirs {
		dir := filepath.Dir(gomod)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			abs, err := filepath.Abs(dir)
			if err != nil {
				t.Fatal(err)
			}
			report := Analyze(Options{Dir: abs, Patterns: []string{"./..."}, GOOS: "linux"})
			got, err := json.MarshalIndent(report, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			wantFile := filepath.Join(dir, "want.json")
			if *update {
				if err := os.WriteFile(wantFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -run TestTestdata -update to write it, then review it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("analyzer output for %s differs from want.json:\n%s", dir, lineDiff(string(want), string(got)))
			}
		})
	}
}

// TestDeterministic runs the analyzer twice on the same module and expects the same bytes.
func TestDeterministic(t *testing.T) {
	abs, _ := filepath.Abs("testdata/stdflag")
	a, _ := json.Marshal(Analyze(Options{Dir: abs, Patterns: []string{"./..."}}))
	b, _ := json.Marshal(Analyze(Options{Dir: abs, Patterns: []string{"./..."}}))
	if !bytes.Equal(a, b) {
		t.Fatal("two runs gave different documents")
	}
}

func TestPortOf(t *testing.T) {
	for addr, want := range map[string]int{":8080": 8080, "0.0.0.0:9090": 9090, "8080": 8080, ":http": 80, "": 0, "[::]:443": 443, "localhost": 0} {
		if got := portOf(addr); got != want {
			t.Errorf("portOf(%q) = %d, want %d", addr, got, want)
		}
	}
}

func TestUpperSnake(t *testing.T) {
	for in, want := range map[string]string{"APIHost": "API_HOST", "Port": "PORT", "ReadTimeout": "READ_TIMEOUT", "DBURL": "DBURL"} {
		if got := upperSnake(in); got != want {
			t.Errorf("upperSnake(%q) = %q, want %q", in, got, want)
		}
	}
}

func lineDiff(want, got string) string {
	wl := bytes.Split([]byte(want), []byte("\n"))
	gl := bytes.Split([]byte(got), []byte("\n"))
	var out bytes.Buffer
	n := len(wl)
	if len(gl) > n {
		n = len(gl)
	}
	shown := 0
	for i := 0; i < n && shown < 40; i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			out.WriteString("line " + itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g) + "\n")
			shown++
		}
	}
	return out.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
