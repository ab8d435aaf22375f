// The root command serves; flags added by a helper to two flag sets; viper reads them with
// BindPFlags, an env prefix and AutomaticEnv. A second main uses ardanlabs/conf.
package main

import (
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

func addServerFlags(flags *pflag.FlagSet) {
	flags.StringP("address", "a", "127.0.0.1", "address to listen on")
	flags.StringP("port", "p", "8080", "port to listen on")
	flags.String("root", ".", "root to prepend to relative paths")
}

func main() {
	root := &cobra.Command{
		Use: "viperapp",
		RunE: func(cmd *cobra.Command, args []string) error {
			v := viper.New()
			v.SetEnvPrefix("APP")
			v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
			v.AutomaticEnv()
			if err := v.BindPFlags(cmd.Flags()); err != nil {
				return err
			}
			if _, err := os.Stat(v.GetString("root")); err != nil {
				return err
			}
			l, err := net.Listen("tcp", v.GetString("address")+":"+v.GetString("port"))
			if err != nil {
				return err
			}
			return http.Serve(l, nil)
		},
	}
	initCmd := &cobra.Command{Use: "init", Run: func(*cobra.Command, []string) {}}
	addServerFlags(root.Flags())
	addServerFlags(initCmd.Flags())
	root.AddCommand(initCmd)
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
