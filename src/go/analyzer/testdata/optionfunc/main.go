package main

import (
	"log"

	"example.com/optapp/server"
	"github.com/caarlos0/env/v11"
)

// settings: the port has no default; the environment must say it.
type settings struct {
	Web struct {
		Port string `env:"WEB_PORT,required"`
	}
	Name string `env:"APP_NAME" envDefault:"optapp"`
}

func main() {
	var s settings
	if err := env.Parse(&s); err != nil {
		log.Fatal(err)
	}
	srv := server.Start(server.WithPort(s.Web.Port), server.WithName(s.Name))
	log.Fatal(srv.Wait())
}
