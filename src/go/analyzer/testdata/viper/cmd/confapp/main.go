package main

import (
	"log"
	"net/http"

	"github.com/ardanlabs/conf/v3"
)

type config struct {
	Web struct {
		APIHost   string `conf:"default:0.0.0.0:3000"`
		DebugHost string `conf:"default:0.0.0.0:4000"`
	}
}

func main() {
	var cfg config
	if _, err := conf.Parse("SALES", &cfg); err != nil {
		log.Fatal(err)
	}
	go http.ListenAndServe(cfg.Web.DebugHost, nil)
	log.Fatal(http.ListenAndServe(cfg.Web.APIHost, nil))
}
