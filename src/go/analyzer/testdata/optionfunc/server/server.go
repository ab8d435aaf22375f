// Package server runs a fiber app, configured through functional options.
package server

import (
	"net"

	"github.com/gofiber/fiber/v2"
)

// defaultAddr is where it listens unless an option says otherwise.
const defaultAddr = ":81"

// Server is a fiber app and where it listens.
type Server struct {
	app  *fiber.App
	addr string
	name string
	done chan error
}

// Option changes a Server before it starts.
type Option func(*Server)

// WithPort listens on port, on every interface.
func WithPort(port string) Option {
	return func(s *Server) { s.addr = net.JoinHostPort("", port) }
}

// WithName names the app.
func WithName(name string) Option {
	return func(s *Server) { s.name = name }
}

// Start applies the options and listens in the background.
func Start(opts ...Option) *Server {
	s := &Server{app: fiber.New(), addr: defaultAddr, name: "server", done: make(chan error, 1)}
	for _, o := range opts {
		o(s)
	}
	go func() { s.done <- s.app.Listen(s.addr) }()
	return s
}

// Wait returns when the app stops.
func (s *Server) Wait() error { return <-s.done }
