// A configuration struct filled by viper.Unmarshal, with defaults set in code and the
// environment read with a key replacer.
package main

import (
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/spf13/viper"
)

type Config struct {
	Server struct {
		Port int `mapstructure:"port"`
	} `mapstructure:"server"`
	Static string `mapstructure:"static_dir"`
}

func main() {
	viper.SetDefault("server.port", 7070)
	viper.SetDefault("static_dir", "./public")
	viper.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	viper.AutomaticEnv()
	var cfg Config
	if err := viper.Unmarshal(&cfg); err != nil {
		log.Fatal(err)
	}
	http.Handle("/", http.FileServer(http.Dir(cfg.Static)))
	log.Fatal(http.ListenAndServe(fmt.Sprintf(":%d", cfg.Server.Port), nil))
}
