// An options struct whose tags name its flag and its configuration key (oauth2-proxy's style).
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

type options struct {
	HTTPAddress string `flag:"http-address" cfg:"http_address"`
}

func defaults() *options { return &options{HTTPAddress: "127.0.0.1:4180"} }

func main() {
	fs := pflag.NewFlagSet("legacyopts", pflag.ExitOnError)
	fs.String("http-address", "127.0.0.1:4180", "[http://]<addr>:<port> to listen on")
	_ = fs.Parse(os.Args[1:])
	v := viper.New()
	v.SetEnvPrefix("OAUTH2_PROXY")
	v.AutomaticEnv()
	_ = v.BindPFlags(fs)
	opts := defaults()
	if err := v.Unmarshal(opts); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(opts.HTTPAddress, nil))
}
