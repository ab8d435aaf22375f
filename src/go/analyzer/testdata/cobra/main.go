package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

var version = "dev"

func main() {
	root := &cobra.Command{Use: "cobraapp", Short: "an example"}
	root.PersistentFlags().String("data-dir", "./data", "where data lives")
	root.AddCommand(newServeCmd(), newMigrateCmd())
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "serve the web app",
		RunE:  serve,
	}
	cmd.Flags().StringP("address", "a", "", "address to listen on")
	cmd.Flags().IntP("port", "p", 8080, "port to listen on")
	viper.BindPFlag("port", cmd.Flags().Lookup("port"))
	return cmd
}

func serve(cmd *cobra.Command, args []string) error {
	address, _ := cmd.Flags().GetString("address")
	port := viper.GetInt("port")
	dataDir, _ := cmd.Flags().GetString("data-dir")
	if err := os.MkdirAll(filepath.Join(dataDir, "archive"), 0o750); err != nil {
		return err
	}
	srv := &http.Server{Addr: fmt.Sprintf("%s:%d", address, port)}
	return srv.ListenAndServe()
}

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use: "migrate",
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Println("migrating", version)
		},
	}
}
