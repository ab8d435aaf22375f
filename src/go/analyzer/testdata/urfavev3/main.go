// urfave/cli v3: the root is a Command that is Run; flags read from the command.
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/urfave/cli/v3"
)

func main() {
	cmd := &cli.Command{
		Name: "urfavev3",
		Commands: []*cli.Command{
			{
				Name: "web",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "listen", Value: "0.0.0.0:8888", Usage: "address", Sources: cli.EnvVars("V3_LISTEN")},
				},
				Action: func(ctx context.Context, c *cli.Command) error {
					return http.ListenAndServe(c.String("listen"), nil)
				},
			},
		},
	}
	if err := cmd.Run(context.Background(), os.Args); err != nil {
		os.Exit(1)
	}
}
