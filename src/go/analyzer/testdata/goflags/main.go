// jessevdk/go-flags options with a command struct, groups with namespaces, and
// golang-migrate / goose / grpc.
package main

import (
	"database/sql"
	"fmt"
	"net"
	"os"

	"github.com/golang-migrate/migrate/v4"
	"github.com/jessevdk/go-flags"
	"github.com/pressly/goose/v3"
	"google.golang.org/grpc"
)

type ServerCommand struct {
	Port int `long:"port" env:"APP_PORT" default:"50051" description:"gRPC port"`
	DB   struct {
		Path string `long:"path" env:"PATH" default:"./var/app.db" description:"database file"`
	} `group:"db" namespace:"db" env-namespace:"DB"`
}

func (s *ServerCommand) Execute(args []string) error {
	db, err := sql.Open("sqlite", s.DB.Path)
	if err != nil {
		return err
	}
	if err := goose.Up(db, "migrations"); err != nil {
		return err
	}
	m, err := migrate.New("file://db/migrations", "sqlite://"+s.DB.Path)
	if err == nil {
		_ = m.Up()
	}
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", s.Port))
	if err != nil {
		return err
	}
	return grpc.NewServer().Serve(l)
}

type VersionCommand struct{}

func (VersionCommand) Execute([]string) error { fmt.Println("v1"); return nil }

var opts struct {
	Verbose bool           `short:"v" long:"verbose" description:"more output"`
	Server  ServerCommand  `command:"server" description:"run the server"`
	Version VersionCommand `command:"version"`
}

func main() {
	p := flags.NewParser(&opts, flags.Default)
	if _, err := p.Parse(); err != nil {
		os.Exit(1)
	}
}
