module example.com/urfavev3

go 1.22

require github.com/urfave/cli/v3 v3.14.0
