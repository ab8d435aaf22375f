// Command api serves the shop's HTTP API.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/shop/internal/shop"
)

func main() {
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	log.Fatal(http.ListenAndServe(":"+shop.Port("8000"), nil))
}
