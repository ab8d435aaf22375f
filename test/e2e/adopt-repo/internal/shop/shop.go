// Package shop holds what the api and the worker share.
package shop

import "os"

// Port is the port to listen on: $PORT, else the fallback.
func Port(fallback string) string {
	if p := os.Getenv("PORT"); p != "" {
		return p
	}
	return fallback
}
