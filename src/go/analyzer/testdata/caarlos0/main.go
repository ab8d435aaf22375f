package main

import (
	"log"

	"github.com/caarlos0/env/v11"
	"github.com/gofiber/fiber/v2"
)

type config struct {
	HTTP struct {
		Host string `env:"HOST" envDefault:"0.0.0.0"`
		Port string `env:"PORT" envDefault:"3000"`
	} `envPrefix:"HTTP_"`
	UploadDir string `env:"UPLOAD_DIR" envDefault:"./uploads"`
}

func main() {
	var cfg config
	if err := env.Parse(&cfg); err != nil {
		log.Fatal(err)
	}
	app := fiber.New()
	app.Static("/files", cfg.UploadDir)
	gin()
	log.Fatal(app.Listen(cfg.HTTP.Host + ":" + cfg.HTTP.Port))
}

// gin starts a second server with no address: fiber listens, not gin.
func gin() {}
