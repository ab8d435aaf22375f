// kingpin subcommands dispatched with a switch on FullCommand().
package main

import (
	"fmt"
	"net/http"
	"os"

	"gopkg.in/alecthomas/kingpin.v2"
)

var (
	app    = kingpin.New("kingpincmd", "an example")
	serve  = app.Command("serve", "serve HTTP")
	listen = serve.Flag("listen", "address").Short('l').Default(":8000").Envar("KC_LISTEN").String()
	check  = app.Command("check", "check the configuration")
	file   = check.Arg("file", "configuration file").Required().String()
)

func main() {
	switch kingpin.MustParse(app.Parse(os.Args[1:])) {
	case serve.FullCommand():
		http.ListenAndServe(*listen, nil)
	case check.FullCommand():
		fmt.Println("ok", *file)
	}
}
