package main

import (
	"go/constant"
	"go/types"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Expr is what a traced SSA value is made of: constants, concatenations, flag and environment
// values, struct-tag configuration and the executable's directory.
type Expr struct {
	Op   string // lit, concat, alt, flag, env, tag, viper, exe, dir, join, unknown
	Lit  string
	Args []*Expr
	Flag *flagDef
	Name string // env: variable; tag: the field; viper: the key; unknown: what it was
	Def  *Expr  // env, tag, viper: the value when unset
	Tag  *tagRef
}

func lit(s string) *Expr                  { return &Expr{Op: "lit", Lit: s} }
func unknown(what string) *Expr           { return &Expr{Op: "unknown", Name: what} }
func concat(parts ...*Expr) *Expr         { return &Expr{Op: "concat", Args: parts} }
func envRef(name string, def *Expr) *Expr { return &Expr{Op: "env", Name: name, Def: def} }

func alt(parts ...*Expr) *Expr {
	var out []*Expr
	seen := map[string]bool{}
	for _, p := range parts {
		if p == nil {
			continue
		}
		if p.Op == "alt" {
			for _, q := range p.Args {
				if k := q.String(); !seen[k] {
					seen[k] = true
					out = append(out, q)
				}
			}
			continue
		}
		if k := p.String(); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	switch len(out) {
	case 0:
		return unknown("no value")
	case 1:
		return out[0]
	}
	// A TLS variant is the alternative, not the default (port vs SSL.Port).
	sort.SliceStable(out, func(i, j int) bool { return !secureName(out[i].String()) && secureName(out[j].String()) })
	// Unknown alternatives say nothing when a known one exists.
	var known []*Expr
	for _, p := range out {
		if p.Op != "unknown" {
			known = append(known, p)
		}
	}
	if len(known) == 1 {
		return known[0]
	}
	if len(known) > 1 {
		out = known
	}
	return &Expr{Op: "alt", Args: out}
}

func secureName(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "ssl") || strings.Contains(l, "tls") || strings.Contains(l, "https") || strings.Contains(l, "secure")
}

func constString(c constant.Value) string {
	if c == nil {
		return ""
	}
	switch c.Kind() {
	case constant.String:
		return constant.StringVal(c)
	case constant.Int:
		if i, ok := constant.Int64Val(c); ok {
			return strconv.FormatInt(i, 10)
		}
	case constant.Bool:
		return strconv.FormatBool(constant.BoolVal(c))
	case constant.Float:
		f, _ := constant.Float64Val(c)
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return c.ExactString()
}

// String renders the expression for people: ":" + flag(-addr) ...
func (e *Expr) String() string {
	if e == nil {
		return "?"
	}
	switch e.Op {
	case "lit":
		return strconv.Quote(e.Lit)
	case "concat":
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, a.String())
		}
		return strings.Join(parts, " + ")
	case "alt":
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, a.String())
		}
		return "one of(" + strings.Join(parts, ", ") + ")"
	case "flag":
		return "flag(" + e.Flag.syntaxName() + ")"
	case "env":
		if e.Def != nil {
			return "env(" + e.Name + ", default " + e.Def.String() + ")"
		}
		return "env(" + e.Name + ")"
	case "tag":
		return "config(" + e.Tag.describe() + ")"
	case "viper":
		return "viper(" + e.Name + ")"
	case "exe":
		return "executable"
	case "split":
		return "split(" + e.Args[0].String() + ", " + strconv.Quote(e.Lit) + ")[" + e.Name + "]"
	case "dir":
		return "dir(" + e.Args[0].String() + ")"
	case "join":
		var parts []string
		for _, a := range e.Args {
			parts = append(parts, a.String())
		}
		return "join(" + strings.Join(parts, ", ") + ")"
	}
	return "?(" + e.Name + ")"
}

const marker = "\x00"

// eval gives the value with every source at its default, except target (if any), which is the
// marker, so that where the port goes in a source's value can be read off the result.
func (e *Expr) eval(target *Expr) string { return e.evalWith(target, "") }

// evalWith is eval with unknown parts written as unknownAs ("{?}" for paths).
func (e *Expr) evalWith(target *Expr, unknownAs string) string {
	if e == nil {
		return ""
	}
	if target != nil && e.sameSource(target) {
		return marker
	}
	switch e.Op {
	case "lit":
		return e.Lit
	case "concat":
		var b strings.Builder
		for _, a := range e.Args {
			b.WriteString(a.evalWith(target, unknownAs))
		}
		return b.String()
	case "alt":
		first := ""
		for _, a := range e.Args {
			v := a.evalWith(target, unknownAs)
			if strings.Contains(v, marker) {
				return v
			}
			if first == "" {
				first = v
			}
		}
		return first
	case "flag":
		if e.Flag.Default != nil {
			return e.Flag.Default.evalWith(target, unknownAs)
		}
	case "env", "tag", "viper":
		if e.Def != nil {
			return e.Def.evalWith(target, unknownAs)
		}
	case "exe":
		return "{executable}"
	case "dir":
		v := e.Args[0].evalWith(target, unknownAs)
		if v == "{executable}" {
			return "{executable-dir}"
		}
		return filepath.Dir(v)
	case "join":
		var parts []string
		for _, a := range e.Args {
			if v := a.evalWith(target, unknownAs); v != "" {
				parts = append(parts, v)
			}
		}
		if len(parts) == 0 {
			return ""
		}
		return filepath.Join(parts...)
	case "split":
		v := e.Args[0].evalWith(target, unknownAs)
		if e.Lit == "" {
			return v
		}
		parts := strings.Split(v, e.Lit)
		if i, err := strconv.Atoi(e.Name); err == nil {
			if i < len(parts) {
				return parts[i]
			}
			return ""
		}
		return parts[len(parts)-1]
	case "unknown":
		return unknownAs
	}
	return ""
}

func (e *Expr) sameSource(o *Expr) bool {
	if e.Op != o.Op {
		return false
	}
	switch e.Op {
	case "flag":
		return e.Flag == o.Flag
	case "env", "viper":
		return e.Name == o.Name
	case "tag":
		return e.Tag.key() == o.Tag.key()
	}
	return false
}

// sources lists the flag, env, tag and viper leaves, outermost first.
func (e *Expr) sources() []*Expr {
	var out []*Expr
	seen := map[string]bool{}
	var walk func(*Expr)
	walk = func(x *Expr) {
		if x == nil {
			return
		}
		switch x.Op {
		case "flag", "env", "tag", "viper":
			if k := x.String(); !seen[k] {
				seen[k] = true
				out = append(out, x)
			}
		}
		for _, a := range x.Args {
			walk(a)
		}
		if x.Op == "flag" && x.Flag.Default != nil {
			walk(x.Flag.Default)
		}
		if x.Def != nil {
			walk(x.Def)
		}
	}
	walk(e)
	return out
}

// portOf reads the port from an address ("0.0.0.0:9090", ":8080", "8080").
func portOf(addr string) int {
	s := addr
	if i := strings.LastIndex(s, ":"); i >= 0 {
		s = s[i+1:]
	}
	switch s {
	case "http":
		return 80
	case "https":
		return 443
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > 65535 {
		return 0
	}
	return n
}

func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Path() })
}
