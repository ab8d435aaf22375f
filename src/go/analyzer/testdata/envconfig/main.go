package main

import (
	"database/sql"
	"log"

	"github.com/gin-gonic/gin"
	"github.com/kelseyhightower/envconfig"
)

type Config struct {
	Port     string `envconfig:"PORT" default:"8080"`
	Database struct {
		Path string `default:"./data/app.db"`
	}
	Templates string `split_words:"true" default:"templates/*.tmpl"`
}

func main() {
	var cfg Config
	if err := envconfig.Process("myapp", &cfg); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+cfg.Database.Path+"?cache=shared")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	r := gin.Default()
	r.LoadHTMLGlob(cfg.Templates)
	if err := r.Run(":" + cfg.Port); err != nil {
		log.Fatal(err)
	}
}
