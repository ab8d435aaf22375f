// The PORT convention: the variable, a fallback when it is empty, two ways.
package main

import (
	"cmp"
	"net/http"
	"os"
	"strings"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	metrics := cmp.Or(os.Getenv("METRICS_ADDR"), "localhost:9090")
	go http.ListenAndServe(metrics, nil)
	bind := strings.SplitN("tcp://0.0.0.0:"+port, "//", 2)
	http.ListenAndServe(bind[len(bind)-1], nil)
}
