package main

import (
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ssa"
)

// Flags and commands of the supported libraries, found by the types of the calls and composite
// literals in the module's reachable code (never by the text: an import alias changes nothing).

type flagDef struct {
	Name      string
	Shorthand string
	Usage     *Expr
	Type      string
	Library   string
	Default   *Expr
	Env       []string
	Cmd       *cmdDef
	Pos       token.Pos
	dash      string
}

func (f *flagDef) syntaxName() string { return f.dash + f.Name }

type cmdDef struct {
	Name        string
	Library     string
	Pos         token.Pos
	parent      *cmdDef
	root        bool
	actions     []*ssa.Function
	id          ssa.Value
	isDefault   bool
	deprecated  bool
	directSinks map[ssa.CallInstruction]bool // listen calls in the blocks its dispatch branch dominates
}

func (c *cmdDef) path() []string {
	var out []string
	seen := map[*cmdDef]bool{}
	for x := c; x != nil && !x.root && !seen[x]; x = x.parent {
		seen[x] = true
		out = append([]string{x.Name}, out...)
	}
	return out
}

func library(pkgPath string) string {
	switch {
	case pkgPath == "flag":
		return "flag"
	case pkgPath == "github.com/spf13/pflag":
		return "pflag"
	case pkgPath == "github.com/spf13/cobra":
		return "cobra"
	case strings.HasPrefix(pkgPath, "github.com/spf13/viper"):
		return "viper"
	case strings.Contains(pkgPath, "alecthomas/kingpin"):
		return "kingpin"
	case strings.HasPrefix(pkgPath, "github.com/urfave/cli"):
		return "urfave/cli"
	case strings.HasPrefix(pkgPath, "github.com/prometheus/exporter-toolkit/web/kingpinflag"):
		return "exporter-toolkit"
	case strings.HasPrefix(pkgPath, "github.com/kelseyhightower/envconfig"):
		return "envconfig"
	case strings.HasPrefix(pkgPath, "github.com/ardanlabs/conf"):
		return "ardanlabs/conf"
	case strings.HasSuffix(stripMajor(pkgPath), "/go-flags"): // jessevdk/go-flags and its forks
		return "go-flags"
	case strings.HasPrefix(pkgPath, "github.com/sethvargo/go-envconfig"):
		return "sethvargo"
	case strings.HasPrefix(pkgPath, "github.com/jinzhu/configor"):
		return "configor"
	}
	return ""
}

func paramIndex(sig *types.Signature, name string) int {
	for i := 0; i < sig.Params().Len(); i++ {
		if sig.Params().At(i).Name() == name {
			return i
		}
	}
	return -1
}

// argFor gives the SSA argument for a named parameter (the receiver is Args[0] for methods).
func argFor(c *ssa.CallCommon, name string) ssa.Value {
	fn := c.StaticCallee()
	if fn == nil {
		return nil
	}
	sig := fn.Signature
	i := paramIndex(sig, name)
	if i < 0 {
		return nil
	}
	if sig.Recv() != nil {
		i++
	}
	if i < len(c.Args) {
		return c.Args[i]
	}
	return nil
}

func receiver(c *ssa.CallCommon) ssa.Value {
	if fn := c.StaticCallee(); fn != nil && fn.Signature.Recv() != nil && len(c.Args) > 0 {
		return c.Args[0]
	}
	return nil
}

func flagTypeFromName(name string) string {
	name = strings.TrimSuffix(name, "VarPF")
	name = strings.TrimSuffix(name, "VarP")
	name = strings.TrimSuffix(name, "Var")
	name = strings.TrimSuffix(name, "P")
	if name == "" {
		return "value"
	}
	r := []rune(name)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func (m *mainAnalysis) str(v ssa.Value) string {
	if v == nil {
		return ""
	}
	return m.trace(v).eval(nil)
}

// discover walks the reachable code once and records flags, commands and configuration hints.
func (m *mainAnalysis) discover() {
	// Commands first, so that flags defined earlier in the source find theirs.
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch x := instr.(type) {
				case *ssa.Call:
					if isCommandCall(x) {
						m.discoverCall(x)
					}
				case *ssa.Alloc:
					m.discoverAlloc(x)
				}
			}
		}
	}
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if x, ok := instr.(*ssa.Call); ok && !isCommandCall(x) {
					m.discoverCall(x)
				}
			}
		}
	}
	// Second pass: links that need every flag and command known.
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if x, ok := instr.(*ssa.Call); ok {
					m.linkCall(x)
				}
			}
		}
	}
	for _, c := range m.cmds {
		if c.Library == "urfave/cli" {
			m.linkUrfaveCommand(c)
		}
	}
}

func (m *mainAnalysis) addFlag(f *flagDef, storage ssa.Value, call *ssa.Call) {
	if f.Name == "" {
		return
	}
	m.flags = append(m.flags, f)
	if storage != nil {
		if k := locKey(storage); k != "" {
			m.flagByKey[k] = f
		}
	}
	if call != nil {
		m.flagByCall[call] = f
	}
}

func (m *mainAnalysis) discoverCall(c *ssa.Call) {
	common := c.Common()
	callee := common.StaticCallee()
	if callee == nil {
		return
	}
	obj, _ := callee.Object().(*types.Func)
	if obj == nil && callee.Origin() != nil {
		obj, _ = callee.Origin().Object().(*types.Func)
	}
	if obj == nil || obj.Pkg() == nil {
		return
	}
	lib := library(obj.Pkg().Path())
	name := obj.Name()
	sig := callee.Signature
	switch lib {
	case "flag", "pflag":
		if paramIndex(sig, "name") < 0 || paramIndex(sig, "usage") < 0 {
			return
		}
		for _, ctx := range m.helperContexts(c, argFor(common, "name"), receiver(common)) {
			tr := func(v ssa.Value) *Expr { return m.traceIn(v, ctx.ctx) }
			f := &flagDef{Library: lib, Pos: ctx.pos, dash: "--", Type: flagTypeFromName(name)}
			if lib == "flag" {
				f.dash = "-"
			}
			f.Name = tr(argFor(common, "name")).eval(nil)
			if s := argFor(common, "shorthand"); s != nil {
				f.Shorthand = tr(s).eval(nil)
			}
			if u := argFor(common, "usage"); u != nil {
				f.Usage = tr(u)
			}
			if name != "Var" && name != "VarP" && name != "VarPF" && name != "Func" && name != "BoolFunc" {
				if v := argFor(common, "value"); v != nil {
					f.Default = tr(v)
				}
			}
			if rv := receiver(common); rv != nil {
				if p, ok := asParam(rv); ok && ctx.site != nil {
					rv = argOfSite(p, ctx.site) // addServerFlags(cmd.Flags()): the caller's flag set
				}
				f.Cmd = m.cmdOfFlagSet(rv)
			}
			storage := argFor(common, "p")
			if p, ok := asParam(storage); ok && ctx.site != nil {
				storage = argOfSite(p, ctx.site)
			}
			m.addFlag(f, storage, c)
			if ctx.site != nil {
				if sc, ok := ctx.site.(*ssa.Call); ok {
					m.flagByCall[sc] = f
				}
			}
		}
	case "kingpin":
		switch name {
		case "Flag":
			if sig.Params().Len() != 2 {
				return
			}
			args := common.Args
			var cmd *cmdDef
			if sig.Recv() != nil {
				args = args[1:]
				cmd = m.cmdFor(common.Args[0])
			}
			for _, ctx := range m.helperContexts(c, args[0]) {
				f := &flagDef{Library: lib, Pos: ctx.pos, dash: "--", Type: "string", Cmd: cmd}
				f.Name = m.traceIn(args[0], ctx.ctx).eval(nil)
				f.Usage = m.traceIn(args[1], ctx.ctx)
				storage := m.kingpinChain(c, f)
				if sc, ok := ctx.site.(*ssa.Call); ok {
					// Flag made by a helper (serverOnlyFlag(a, name, help)): its chain goes on
					// at the call site.
					if s := m.kingpinChain(sc, f); s != nil {
						storage = s
					}
				}
				m.addFlag(f, storage, nil)
			}
		case "Command":
			if sig.Params().Len() != 2 {
				return
			}
			args := common.Args
			cmd := &cmdDef{Library: lib, Pos: c.Pos(), id: c}
			if sig.Recv() != nil {
				args = args[1:]
				cmd.parent = m.cmdFor(common.Args[0])
			}
			cmd.Name = m.str(args[0])
			m.kingpinCmdChain(c, cmd)
			m.addCmd(cmd)
		case "New":
			if sig.Recv() == nil {
				m.addCmd(&cmdDef{Library: lib, Pos: c.Pos(), id: c, root: true, Name: m.str(common.Args[0])})
			}
		}
	case "exporter-toolkit":
		if name != "AddFlags" {
			return
		}
		f := &flagDef{Library: "kingpin", Name: "web.listen-address", Pos: c.Pos(), dash: "--", Type: "strings",
			Usage: lit("Addresses on which to expose metrics and web interface. Repeatable for multiple addresses.")}
		if len(common.Args) > 1 {
			f.Default = m.trace(common.Args[1])
		} else {
			f.Default = lit(":9100")
		}
		m.addFlag(f, nil, c)
		m.toolkitFlag = f
		m.addFlag(&flagDef{Library: "kingpin", Name: "web.config.file", Pos: c.Pos(), dash: "--", Type: "string",
			Default: lit(""), Usage: lit("Path to configuration file that can enable TLS or authentication.")}, nil, nil)
	case "go-flags":
		switch name {
		case "NewParser", "NewNamedParser", "Parse", "ParseArgs", "AddCommand":
			for _, a := range common.Args {
				if mi, ok := a.(*ssa.MakeInterface); ok {
					a = mi.X
				}
				if _, isPtr := a.Type().Underlying().(*types.Pointer); !isPtr {
					continue
				}
				st, ok := deref(a.Type()).Underlying().(*types.Struct)
				if !ok || strings.Contains(typeString(deref(a.Type())), "/go-flags.") {
					continue
				}
				if name == "AddCommand" && len(common.Args) > 1 {
					m.goFlagsStruct(st, deref(a.Type()), m.goFlagsCommand(m.str(common.Args[1]), deref(a.Type()), m.goFlagsRoot, c.Pos()), "", "", 0)
					continue
				}
				if m.goFlagsRoot == nil {
					m.goFlagsRoot = &cmdDef{Library: lib, Pos: c.Pos(), root: true}
					m.addCmd(m.goFlagsRoot)
				}
				m.goFlagsStruct(st, deref(a.Type()), m.goFlagsRoot, "", "", 0)
			}
		}
	case "sethvargo":
		if name == "PrefixLookuper" && len(common.Args) > 0 {
			m.sethvargoPrefix = m.str(common.Args[0])
		}
	case "envconfig", "ardanlabs/conf":
		if name == "Process" || name == "MustProcess" || (lib == "ardanlabs/conf" && name == "Parse") {
			if len(common.Args) >= 2 {
				prefix := m.str(common.Args[0])
				for _, t := range (&tracer{m: m, path: map[ssa.Value]int{}}).pointerTargets(common.Args[1]) {
					m.envPrefix[typeString(deref(t.Type()))] = prefix
				}
			}
		}
	}
}

// kingpinChain follows a kingpin flag clause through its chained calls (Default, Envar, Short,
// then the typed terminal such as String() or StringVar(&x)) and returns the flag's storage.
func (m *mainAnalysis) kingpinChain(start ssa.Value, f *flagDef) ssa.Value {
	var storage ssa.Value
	queue := []ssa.Value{start}
	seen := map[ssa.Value]bool{}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if seen[v] || v.Referrers() == nil {
			continue
		}
		seen[v] = true
		for _, ref := range *v.Referrers() {
			// Methods promoted from an embedded struct (kingpin's parserMixin.String) take
			// the embedded field's address as receiver.
			if fa, ok := ref.(*ssa.FieldAddr); ok && fa.X == v {
				if st, ok := deref(v.Type()).Underlying().(*types.Struct); ok && st.Field(fa.Field).Embedded() {
					queue = append(queue, fa)
				}
				continue
			}
			call, ok := ref.(*ssa.Call)
			if !ok || len(call.Common().Args) == 0 || call.Common().Args[0] != v {
				continue
			}
			callee := call.Common().StaticCallee()
			if callee == nil {
				continue
			}
			args := call.Common().Args
			switch n := callee.Name(); {
			case n == "Default":
				var parts []*Expr
				for _, e := range sliceElems(args[1]) {
					parts = append(parts, m.trace(e))
				}
				if len(parts) == 1 {
					f.Default = parts[0]
				} else if len(parts) > 1 {
					f.Default = concat(parts...)
				}
			case n == "Envar":
				f.Env = append(f.Env, m.str(args[1]))
			case n == "Short":
				// Short takes a rune: the traced constant is its code point.
				if r, err := strconv.Atoi(m.str(args[1])); err == nil && r > 0 {
					f.Shorthand = string(rune(r))
				}
			case n == "Help":
				f.Usage = m.trace(args[1])
			case strings.HasSuffix(n, "Var") && len(args) > 1:
				f.Type = flagTypeFromName(n)
				storage = args[1]
			case n == "Bool" || n == "String" || n == "Int" || n == "Duration" || n == "Strings" || n == "Uint" ||
				n == "Int64" || n == "Uint16" || n == "Float64" || n == "Enum" || n == "ExistingFile" ||
				n == "ExistingDir" || n == "File" || n == "URL" || n == "StringMap" || n == "Counter" ||
				n == "ExistingFileOrDir" || n == "Bytes" || n == "IP" || n == "TCP" || n == "OpenFile" ||
				n == "Uint64" || n == "Int32" || n == "Float32" || n == "Uint32" || n == "Regexp":
				f.Type = strings.ToLower(n)
				storage = call
			}
			if types.Identical(call.Type(), start.Type()) {
				queue = append(queue, call)
			}
		}
	}
	return storage
}

func (m *mainAnalysis) kingpinCmdChain(start ssa.Value, cmd *cmdDef) {
	queue := []ssa.Value{start}
	seen := map[ssa.Value]bool{}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if seen[v] || v.Referrers() == nil {
			continue
		}
		seen[v] = true
		for _, ref := range *v.Referrers() {
			call, ok := ref.(*ssa.Call)
			if !ok || len(call.Common().Args) == 0 || call.Common().Args[0] != v {
				continue
			}
			callee := call.Common().StaticCallee()
			if callee == nil {
				continue
			}
			switch callee.Name() {
			case "Action", "PreAction":
				if callee.Name() == "Action" {
					cmd.actions = append(cmd.actions, m.funcsOf(call.Common().Args[1])...)
				}
			case "Default":
				cmd.isDefault = true
			}
			if types.Identical(call.Type(), start.Type()) {
				queue = append(queue, call)
			}
		}
	}
}

// funcsOf resolves a function value (a function, a closure, a method value) to its bodies.
func (m *mainAnalysis) funcsOf(v ssa.Value) []*ssa.Function {
	var out []*ssa.Function
	t := &tracer{m: m, path: map[ssa.Value]int{}}
	var walk func(ssa.Value, int)
	walk = func(v ssa.Value, depth int) {
		if depth > 6 || v == nil {
			return
		}
		switch x := v.(type) {
		case *ssa.Function:
			out = append(out, x)
		case *ssa.MakeClosure:
			if fn, ok := x.Fn.(*ssa.Function); ok {
				out = append(out, fn)
			}
		case *ssa.MakeInterface:
			walk(x.X, depth+1)
		case *ssa.ChangeType:
			walk(x.X, depth+1)
		case *ssa.Convert:
			walk(x.X, depth+1)
		default:
			for _, target := range t.pointerTargets(v) {
				if target != v {
					walk(target, depth+1)
				}
			}
			if ld, ok := v.(*ssa.UnOp); ok && ld.Op == token.MUL {
				for _, target := range t.pointerTargets(ld) {
					if target != v {
						walk(target, depth+1)
					}
				}
			}
		}
	}
	walk(v, 0)
	return out
}

func (m *mainAnalysis) addCmd(c *cmdDef) {
	m.cmds = append(m.cmds, c)
	if c.id != nil {
		m.cmdByID[c.id] = c
	}
}

// cmdFor resolves a command value (cobra *Command, urfave *Command, kingpin *CmdClause or
// *Application) to the command definition.
func (m *mainAnalysis) cmdFor(v ssa.Value) *cmdDef {
	if v == nil {
		return nil
	}
	if c := m.cmdByID[v]; c != nil {
		return c
	}
	// A method promoted from an embedded field (kingpin's *flagGroup.Flag on a *CmdClause).
	if ld, ok := v.(*ssa.UnOp); ok && ld.Op == token.MUL {
		if fa, ok := ld.X.(*ssa.FieldAddr); ok {
			if st, ok := deref(fa.X.Type()).Underlying().(*types.Struct); ok && st.Field(fa.Field).Embedded() {
				return m.cmdFor(fa.X)
			}
		}
	}
	if fa, ok := v.(*ssa.FieldAddr); ok {
		if st, ok := deref(fa.X.Type()).Underlying().(*types.Struct); ok && st.Field(fa.Field).Embedded() {
			return m.cmdFor(fa.X)
		}
	}
	t := &tracer{m: m, path: map[ssa.Value]int{}}
	for _, target := range t.pointerTargets(v) {
		if c := m.cmdByID[target]; c != nil {
			return c
		}
		if ld, ok := target.(*ssa.UnOp); ok {
			if c := m.cmdByID[ld.X]; c != nil {
				return c
			}
		}
	}
	return nil
}

// cmdOfFlagSet finds the cobra command of cmd.Flags() / cmd.PersistentFlags().
func (m *mainAnalysis) cmdOfFlagSet(v ssa.Value) *cmdDef {
	t := &tracer{m: m, path: map[ssa.Value]int{}}
	for _, target := range t.pointerTargets(v) {
		call, ok := target.(*ssa.Call)
		if !ok {
			continue
		}
		callee := call.Common().StaticCallee()
		if callee == nil || library(pkgPathOf(call.Common())) != "cobra" {
			continue
		}
		switch callee.Name() {
		case "Flags", "PersistentFlags", "LocalFlags", "InheritedFlags", "LocalNonPersistentFlags":
			return m.cmdFor(call.Common().Args[0])
		}
	}
	return nil
}

// discoverAlloc reads struct literals: cobra.Command, urfave/cli App, Command and *Flag types.
func (m *mainAnalysis) discoverAlloc(a *ssa.Alloc) {
	named, ok := types.Unalias(deref(a.Type())).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return
	}
	lib := library(named.Obj().Pkg().Path())
	tname := named.Obj().Name()
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return
	}
	field := func(name string) []ssa.Value {
		for i := 0; i < st.NumFields(); i++ {
			if st.Field(i).Name() == name {
				return fieldStores(a, i)
			}
		}
		return nil
	}
	first := func(name string) string {
		for _, v := range field(name) {
			return m.str(v)
		}
		return ""
	}
	switch {
	case lib == "cobra" && tname == "Command":
		use := first("Use")
		cmd := &cmdDef{Library: lib, Pos: a.Pos(), id: a, Name: strings.Fields(use + " ")[0]}
		if use == "" {
			cmd.Name = ""
		}
		cmd.deprecated = first("Deprecated") != "" || first("Hidden") == "true"
		for _, fname := range []string{"Run", "RunE"} {
			for _, v := range field(fname) {
				cmd.actions = append(cmd.actions, m.funcsOf(v)...)
			}
		}
		m.addCmd(cmd)
	case lib == "urfave/cli" && (tname == "App" || tname == "Command"):
		cmd := &cmdDef{Library: lib, Pos: a.Pos(), id: a, Name: first("Name"), root: tname == "App"}
		for _, v := range field("Action") {
			cmd.actions = append(cmd.actions, m.funcsOf(v)...)
		}
		m.addCmd(cmd)
	case lib == "urfave/cli" && (strings.HasSuffix(tname, "Flag") || strings.HasPrefix(tname, "FlagBase")):
		f := &flagDef{Library: lib, Pos: a.Pos(), dash: "--", Name: first("Name"),
			Type: strings.ToLower(strings.TrimSuffix(tname, "Flag"))}
		if strings.HasPrefix(tname, "FlagBase") && named.TypeArgs().Len() > 0 {
			f.Type = typeString(named.TypeArgs().At(0))
		}
		for _, v := range field("Aliases") {
			for _, e := range sliceElems(v) {
				if f.Shorthand == "" {
					f.Shorthand = m.str(e)
				}
			}
		}
		// urfave/cli v1 names a flag and its aliases in one string: Name: "port, p".
		if names := strings.Split(f.Name, ","); len(names) > 1 {
			f.Name = strings.TrimSpace(names[0])
			for _, n := range names[1:] {
				if n = strings.TrimSpace(n); n != "" && f.Shorthand == "" {
					f.Shorthand = n
				}
			}
		}
		if vals := field("Usage"); len(vals) > 0 {
			f.Usage = m.trace(vals[0])
		}
		if vals := field("Value"); len(vals) > 0 {
			f.Default = m.trace(vals[0])
		}
		for _, v := range field("EnvVars") {
			for _, e := range sliceElems(v) {
				f.Env = append(f.Env, m.str(e))
			}
		}
		if ev := first("EnvVar"); ev != "" {
			for _, e := range strings.Split(ev, ",") {
				f.Env = append(f.Env, strings.TrimSpace(e))
			}
		}
		for _, v := range field("Sources") {
			if call, ok := v.(*ssa.Call); ok && call.Common().StaticCallee() != nil &&
				call.Common().StaticCallee().Name() == "EnvVars" && len(call.Common().Args) > 0 {
				for _, e := range sliceElems(call.Common().Args[0]) {
					f.Env = append(f.Env, m.str(e))
				}
			}
		}
		var storage ssa.Value
		for _, v := range field("Destination") {
			storage = v
		}
		m.urfaveFlags[a] = f
		m.addFlag(f, storage, nil)
	}
}

// linkCall records parent/child links and viper bindings once every command and flag is known.
func (m *mainAnalysis) linkCall(c *ssa.Call) {
	common := c.Common()
	callee := common.StaticCallee()
	if callee == nil {
		return
	}
	lib := library(pkgPathOf(common))
	switch {
	case lib == "cobra" && callee.Name() == "AddCommand" && len(common.Args) == 2:
		parent := m.cmdFor(common.Args[0])
		for _, e := range sliceElems(common.Args[1]) {
			if child := m.cmdFor(e); child != nil && child != parent {
				child.parent = parent
			}
		}
	case lib == "cobra" && (callee.Name() == "Execute" || callee.Name() == "ExecuteC" || callee.Name() == "ExecuteContext" || callee.Name() == "ExecuteContextC"):
		if c := m.cmdFor(common.Args[0]); c != nil && c.parent == nil {
			c.root = true
		}
	case lib == "urfave/cli" && callee.Name() == "Run" && callee.Signature.Recv() != nil:
		// urfave/cli v3: the root is a *cli.Command that is Run.
		if c := m.cmdFor(common.Args[0]); c != nil && c.parent == nil {
			c.root = true
		}
	case lib == "viper":
		m.viperCall(c, callee.Name())
	}
}

func (m *mainAnalysis) linkUrfaveCommand(c *cmdDef) {
	a, ok := c.id.(*ssa.Alloc)
	if !ok {
		return
	}
	st, ok := deref(a.Type()).Underlying().(*types.Struct)
	if !ok {
		return
	}
	t := &tracer{m: m, path: map[ssa.Value]int{}}
	for i := 0; i < st.NumFields(); i++ {
		switch st.Field(i).Name() {
		case "Commands", "Subcommands":
			for _, v := range fieldStores(a, i) {
				for _, e := range sliceElems(v) {
					if child := m.cmdFor(e); child != nil {
						child.parent = c
					}
				}
			}
		case "Flags":
			for _, v := range fieldStores(a, i) {
				for _, e := range sliceElems(v) {
					for _, target := range t.pointerTargets(e) {
						if ld, ok := target.(*ssa.UnOp); ok {
							target = ld.X
						}
						if alloc, ok := target.(*ssa.Alloc); ok {
							if f := m.urfaveFlags[alloc]; f != nil && !c.root {
								f.Cmd = c
							}
						}
					}
				}
			}
		}
	}
}

type helperContext struct {
	ctx  []binding
	site ssa.CallInstruction
	pos  token.Pos
}

// helperContexts: a flag whose name is a parameter of the function defining it is defined by a
// helper (func serverOnlyFlag(app, name, help string) *kingpin.FlagClause); it is one flag per
// call site of the helper, each traced with that call's arguments.
func (m *mainAnalysis) helperContexts(c *ssa.Call, args ...ssa.Value) []helperContext {
	fn := c.Parent()
	isHelper := false
	for _, a := range args {
		if p, ok := asParam(a); ok && p.Parent() == fn {
			isHelper = true
		}
	}
	if !isHelper || len(m.callSites[fn]) == 0 {
		return []helperContext{{pos: c.Pos()}}
	}
	var out []helperContext
	for _, site := range m.callSites[fn] {
		out = append(out, helperContext{ctx: []binding{{fn, site.Common().Args}}, site: site, pos: site.Pos()})
	}
	return out
}

func argOfSite(p *ssa.Parameter, site ssa.CallInstruction) ssa.Value {
	for i, q := range p.Parent().Params {
		if q == p && i < len(site.Common().Args) {
			return site.Common().Args[i]
		}
	}
	return p
}

// asParam sees through the variable SSA makes for a parameter that a closure captures.
func asParam(v ssa.Value) (*ssa.Parameter, bool) {
	if p, ok := v.(*ssa.Parameter); ok {
		return p, true
	}
	if ld, ok := v.(*ssa.UnOp); ok && ld.Op == token.MUL {
		if alloc, ok := ld.X.(*ssa.Alloc); ok {
			var param *ssa.Parameter
			n := 0
			for _, ref := range *alloc.Referrers() {
				if st, ok := ref.(*ssa.Store); ok && st.Addr == alloc {
					n++
					param, _ = st.Val.(*ssa.Parameter)
				}
			}
			if n == 1 && param != nil {
				return param, true
			}
		}
	}
	return nil, false
}

// goFlagsStruct reads jessevdk/go-flags options from the struct type given to the parser: fields
// with long/short tags are flags (namespace and env-namespace of the groups apply), fields with a
// command tag are subcommands whose action is their type's Execute method.
func (m *mainAnalysis) goFlagsStruct(st *types.Struct, t types.Type, cmd *cmdDef, ns, envNS string, depth int) {
	if depth > 6 {
		return
	}
	for i := 0; i < st.NumFields(); i++ {
		field := st.Field(i)
		tag := reflect.StructTag(st.Tag(i))
		if name, ok := tag.Lookup("command"); ok {
			sub := m.goFlagsCommand(name, field.Type(), cmd, field.Pos())
			if inner, ok := deref(field.Type()).Underlying().(*types.Struct); ok {
				m.goFlagsStruct(inner, field.Type(), sub, "", "", depth+1)
			}
			continue
		}
		long, short := tag.Get("long"), tag.Get("short")
		if long == "" && short == "" {
			if inner, ok := deref(field.Type()).Underlying().(*types.Struct); ok && (tag.Get("group") != "" || field.Embedded() || tag.Get("namespace") != "") {
				innerNS, innerEnv := ns, envNS
				if v := tag.Get("namespace"); v != "" {
					innerNS += v + "."
				}
				if v := tag.Get("env-namespace"); v != "" {
					innerEnv += v + "_"
				}
				m.goFlagsStruct(inner, field.Type(), cmd, innerNS, innerEnv, depth+1)
			}
			continue
		}
		f := &flagDef{Library: "go-flags", Pos: field.Pos(), dash: "--", Name: ns + long, Shorthand: short,
			Type: typeString(field.Type()), Usage: lit(tag.Get("description")), Cmd: cmd}
		if long == "" {
			f.Name, f.dash = short, "-"
		}
		if d, ok := tag.Lookup("default"); ok {
			f.Default = lit(d)
		}
		if e := tag.Get("env"); e != "" {
			f.Env = []string{envNS + e}
		}
		m.flags = append(m.flags, f)
	}
}

func (m *mainAnalysis) goFlagsCommand(name string, t types.Type, parent *cmdDef, pos token.Pos) *cmdDef {
	sub := &cmdDef{Library: "go-flags", Pos: pos, Name: name, parent: parent}
	for _, tt := range []types.Type{t, types.NewPointer(deref(t))} {
		ms := m.p.prog.MethodSets.MethodSet(tt)
		if sel := ms.Lookup(nil, "Execute"); sel != nil {
			if fn := m.p.prog.MethodValue(sel); fn != nil && fn.Blocks != nil {
				sub.actions = append(sub.actions, fn)
				break
			}
		}
	}
	m.addCmd(sub)
	return sub
}

// isCommandCall: kingpin's New and Command calls make commands.
func isCommandCall(c *ssa.Call) bool {
	callee := c.Common().StaticCallee()
	if callee == nil || library(pkgPathOf(c.Common())) != "kingpin" {
		return false
	}
	return callee.Name() == "Command" || (callee.Name() == "New" && callee.Signature.Recv() == nil)
}
