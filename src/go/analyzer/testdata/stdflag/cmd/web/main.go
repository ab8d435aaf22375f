package main

import (
	f "flag"
	"fmt"
	"html/template"
	"log"
	h "net/http"
	"os"
	"path/filepath"

	"example.com/stdflag/internal/version"
)

var (
	addr    = f.String("addr", ":8080", "listen address")
	uiDir   = f.String("ui", "ui/", "directory of the web UI")
	dataDir string
	commit  string
	date    = "unknown"
	timeout = 5
)

func init() {
	f.StringVar(&dataDir, "data-dir", "./data", "where to keep data")
}

func main() {
	f.Parse()
	fmt.Println(version.Version, commit, date, timeout)
	tmpl := template.Must(template.ParseGlob("templates/*.html"))
	_ = tmpl
	if err := os.MkdirAll(filepath.Join(dataDir, "cache"), 0o755); err != nil {
		log.Fatal(err)
	}
	exe, _ := os.Executable()
	_ = os.WriteFile(filepath.Join(filepath.Dir(exe), "pid"), nil, 0o644)
	h.Handle("/", h.FileServer(h.Dir(*uiDir)))
	h.Handle("/static/", h.FileServer(h.Dir("static")))
	go serve()
	select {}
}

func serve() {
	log.Fatal(h.ListenAndServe(*addr, nil))
}
