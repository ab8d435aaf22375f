package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	config := flag.String("config", "/etc/tool/config.yaml", "configuration file")
	flag.Parse()
	b, err := os.ReadFile(*config)
	fmt.Println(len(b), err)
}
