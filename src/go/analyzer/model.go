package main

// The JSON document the analyzer prints. Field order is the struct order; every list is sorted
// before printing, so the same sources give the same bytes.

// Report is the whole document.
type Report struct {
	Analyzer string   `json:"analyzer"`
	Schema   int      `json:"schema"`
	Module   string   `json:"module"`
	GOOS     string   `json:"goos"`
	Tags     []string `json:"tags"`
	Patterns []string `json:"patterns"`
	Mains    []*Main  `json:"mains"`
	Errors   []string `json:"errors"`
}

// Main describes one package main.
type Main struct {
	Package          string             `json:"package"`
	Dir              string             `json:"dir"`
	Binary           string             `json:"binary"`
	Server           Server             `json:"server"`
	Listen           []*Listen          `json:"listen"`
	PrimaryListen    int                `json:"primaryListen"`
	Flags            []*Flag            `json:"flags"`
	Subcommands      []*Subcommand      `json:"subcommands"`
	DefaultArgs      []string           `json:"defaultArgs"`
	RuntimePaths     []*PathUse         `json:"runtimePaths"`
	WritePaths       []*PathUse         `json:"writePaths"`
	VersionVariables []*VersionVariable `json:"versionVariables"`
	Cgo              []*CgoPackage      `json:"cgo"`
	Errors           []string           `json:"errors"`
}

// Server says whether main reaches a listen call.
type Server struct {
	Listens bool          `json:"listens"`
	How     string        `json:"how"`
	Calls   []*ListenCall `json:"calls"`
}

// ListenCall is one reachable call that opens a listening socket.
type ListenCall struct {
	Call   string `json:"call"`
	Source string `json:"source"`
	In     string `json:"in"`
}

// Listen is the address passed to one listen call, traced back to where it comes from.
type Listen struct {
	Call     string    `json:"call"`
	Source   string    `json:"source"`
	Expr     string    `json:"expr"`
	Commands []string  `json:"commands"`
	Default  string    `json:"default"`
	Port     int       `json:"port"`
	Kind     string    `json:"kind"`
	Flag     *Override `json:"flag"`
	Env      *Override `json:"env"`
	Config   *Override `json:"config"`
}

// Override says how to set the port through one source.
type Override struct {
	Name    string `json:"name"`
	Syntax  string `json:"syntax"`
	Default string `json:"default"`
	Source  string `json:"source"`
	Library string `json:"library"`
}

// Flag is one command-line flag the program defines.
type Flag struct {
	Name      string   `json:"name"`
	Syntax    string   `json:"syntax"`
	Shorthand string   `json:"shorthand"`
	Type      string   `json:"type"`
	Default   string   `json:"default"`
	Usage     string   `json:"usage"`
	Env       []string `json:"env"`
	Command   []string `json:"command"`
	Library   string   `json:"library"`
	Source    string   `json:"source"`
}

// Subcommand is one command of a cobra, urfave/cli or kingpin command tree.
type Subcommand struct {
	Path          []string `json:"path"`
	Library       string   `json:"library"`
	Source        string   `json:"source"`
	ReachesListen bool     `json:"reachesListen"`
	Deprecated    bool     `json:"deprecated"`
}

// PathUse is one file or directory the program reads or writes at run time.
type PathUse struct {
	Path     string `json:"path"`
	Expr     string `json:"expr"`
	Kind     string `json:"kind"`
	Absolute bool   `json:"absolute"`
	Call     string `json:"call"`
	Source   string `json:"source"`
	Flag     string `json:"flag"`
	Env      string `json:"env"`
}

// VersionVariable is a package-level string variable that -ldflags -X can set.
type VersionVariable struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	InModule bool   `json:"inModule"`
	Source   string `json:"source"`
}

// CgoPackage is a package in main's import graph with cgo files.
type CgoPackage struct {
	Package string `json:"package"`
	Std     bool   `json:"std"`
	Module  string `json:"module"`
}
