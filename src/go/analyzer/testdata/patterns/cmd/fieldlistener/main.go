// A listener kept in a struct field, served later.
package main

import (
	"net"
	"net/http"
)

type server struct {
	ln  net.Listener
	srv *http.Server
}

func (s *server) open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	go s.srv.Serve(s.ln)
	return nil
}

func main() {
	s := &server{srv: &http.Server{}}
	if err := s.open("127.0.0.1:6060"); err != nil {
		panic(err)
	}
	select {}
}
