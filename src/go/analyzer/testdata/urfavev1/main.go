// A server whose port flag comes from urfave/cli v1 (the "name, alias" form and a comma-separated
// EnvVar) and reaches the listen call through an interface method: the argument is found at the
// interface call site, not at a static one.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/urfave/cli"
)

// Listener is how main starts whichever server it built.
type Listener interface {
	Listen(port int) error
}

type plainServer struct {
	host string
	mux  *http.ServeMux
}

func (s *plainServer) Listen(port int) error {
	return http.ListenAndServe(fmt.Sprintf("%s:%d", s.host, port), s.mux)
}

func newListener(host string) Listener {
	mux := http.NewServeMux()
	mux.HandleFunc("/ping", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "pong") })
	return &plainServer{host: host, mux: mux}
}

func main() {
	app := cli.NewApp()
	app.Name = "v1app"
	app.Flags = []cli.Flag{
		cli.StringFlag{Name: "config, c", Usage: "configuration file", EnvVar: "V1APP_CONFIG"},
		cli.StringFlag{Name: "listen-host", Usage: "host to listen on"},
		cli.IntFlag{Name: "port, p", Value: 8180, Usage: "port to listen on", EnvVar: "V1APP_PORT, PORT"},
	}
	app.Action = func(c *cli.Context) error {
		return newListener(c.String("listen-host")).Listen(c.Int("port"))
	}
	if err := app.Run(os.Args); err != nil {
		log.Fatal(err)
	}
}
