module example.com/urfavev1

go 1.26.0

require github.com/urfave/cli v1.22.15

require (
	github.com/cpuguy83/go-md2man/v2 v2.0.4 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
)
