// A package that does not type-check (a generated file is missing): what can be analyzed still is.
package main

import (
	"net/http"
	"os"
)

func main() {
	addr := os.Getenv("LISTEN")
	if addr == "" {
		addr = ":7000"
	}
	http.Handle("/assets/", http.FileServer(generatedAssets))
	handler := newHandler(generatedAssets)
	http.Handle("/", handler)
	_ = http.ListenAndServe(addr, nil)
}

func newHandler(fs http.FileSystem) http.Handler { return http.FileServer(fs) }
