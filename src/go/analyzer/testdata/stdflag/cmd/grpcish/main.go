package main

import (
	"log"
	"net"
	"net/http"
	"os"
)

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

type server struct{ srv *http.Server }

func (s *server) run(l net.Listener) error { return s.srv.Serve(l) }

func main() {
	l, err := net.Listen("tcp", net.JoinHostPort("", getenv("PORT", "9090")))
	if err != nil {
		log.Fatal(err)
	}
	s := &server{srv: &http.Server{}}
	log.Fatal(s.run(l))
}
