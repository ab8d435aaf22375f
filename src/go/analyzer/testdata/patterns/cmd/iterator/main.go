// Addresses yielded by a range-over-func iterator to the loop body.
package main

import (
	"iter"
	"net/http"
	"os"
)

func addresses() iter.Seq[string] {
	return func(yield func(string) bool) {
		if v := os.Getenv("LISTEN_ADDR"); v != "" {
			yield(v)
			return
		}
		yield(":9999")
	}
}

func main() {
	for a := range addresses() {
		go http.ListenAndServe(a, nil)
	}
	select {}
}
