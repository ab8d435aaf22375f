module example.com/kingpincmd

go 1.22

require gopkg.in/alecthomas/kingpin.v2 v2.2.6

require (
	github.com/alecthomas/template v0.0.0-20190718012654-fb15b899a751 // indirect
	github.com/alecthomas/units v0.0.0-20240927000941-0f3dac36c52b // indirect
)
