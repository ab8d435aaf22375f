package main

import (
	"fmt"
	"log"
	"os"

	"github.com/labstack/echo/v4"
	"github.com/urfave/cli/v2"
)

var (
	Version   string
	GitCommit string
)

func main() {
	app := &cli.App{
		Name: "urfaveapp",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-level", Value: "info", Usage: "log level", EnvVars: []string{"LOG_LEVEL"}},
		},
		Commands: []*cli.Command{
			{
				Name:  "serve",
				Usage: "serve the API",
				Flags: []cli.Flag{
					&cli.IntFlag{Name: "port", Aliases: []string{"p"}, Value: 3000, Usage: "port to listen on", EnvVars: []string{"APP_PORT", "PORT"}},
					&cli.PathFlag{Name: "static", Value: "public", Usage: "static files"},
				},
				Action: serve,
			},
			{
				Name:   "version",
				Action: func(c *cli.Context) error { fmt.Println(Version, GitCommit); return nil },
			},
		},
	}
	if err := app.Run(os.Args); err != nil {
		log.Fatal(err)
	}
}

func serve(c *cli.Context) error {
	e := echo.New()
	e.Static("/", c.Path("static"))
	return e.Start(fmt.Sprintf(":%d", c.Int("port")))
}
