// Configuration read by helpers that store through a pointer (gotify's style), and a listener
// made by one function called twice with different arguments.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

type config struct {
	Port    int
	TLSPort int
}

func parseInt(target *int, env string) {
	if raw, ok := os.LookupEnv(env); ok {
		if n, err := strconv.Atoi(raw); err == nil {
			*target = n
		}
	}
}

func listen(port int) (net.Listener, error) {
	return net.Listen("tcp", fmt.Sprintf(":%d", port))
}

func main() {
	c := &config{Port: 80, TLSPort: 443}
	parseInt(&c.Port, "APP_PORT")
	parseInt(&c.TLSPort, "APP_TLS_PORT")
	plain, _ := listen(c.Port)
	secure, _ := listen(c.TLSPort)
	s := &http.Server{}
	go func() { _ = s.ServeTLS(secure, "cert.pem", "key.pem") }()
	_ = s.Serve(plain)
}
