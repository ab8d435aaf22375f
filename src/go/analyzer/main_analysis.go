package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
)

type mainAnalysis struct {
	p     *program
	pkg   *packages.Package
	reach map[*ssa.Function]bool
	funcs []*ssa.Function
	deps  map[string]bool

	stores    map[string][]ssa.Value
	ctxStores map[string][]storedValue // stores through a pointer parameter, with the call bound
	callSites map[*ssa.Function][]ssa.CallInstruction
	closures  map[*ssa.Function][]*ssa.MakeClosure
	// invokeSites: interface method calls (srv.Listen(port) on an interface) by the module's
	// methods they may reach. Their Args lack the receiver, so they are kept apart from callSites.
	invokeSites map[*ssa.Function][]ssa.CallInstruction
	// implementations resolves an interface method call to the module's methods (the reacher's).
	implementations func(*ssa.CallCommon) []*ssa.Function

	flags           []*flagDef
	flagByKey       map[string]*flagDef
	flagByCall      map[ssa.Value]*flagDef
	cmds            []*cmdDef
	cmdByID         map[ssa.Value]*cmdDef
	urfaveFlags     map[*ssa.Alloc]*flagDef
	toolkitFlag     *flagDef
	envPrefix       map[string]string
	viper           map[string]*viperKey
	viperPrefix     string
	viperAuto       bool
	viperAllFlags   bool
	goFlagsRoot     *cmdDef
	viperUnmarshal  bool
	anyMapstructure bool
	sethvargoPrefix string

	listenSites []listenSite
	cmdReach    map[*cmdDef]map[*ssa.Function]bool
}

type storedValue struct {
	v   ssa.Value
	ctx []binding
}

type listenSite struct {
	instr ssa.CallInstruction
	spec  listenSpec
	fn    *ssa.Function
}

// reset clears what one walk of the reachable code found.
func (m *mainAnalysis) reset() {
	m.stores = map[string][]ssa.Value{}
	m.ctxStores = map[string][]storedValue{}
	m.callSites = map[*ssa.Function][]ssa.CallInstruction{}
	m.invokeSites = map[*ssa.Function][]ssa.CallInstruction{}
	m.closures = map[*ssa.Function][]*ssa.MakeClosure{}
	m.flags = nil
	m.flagByKey = map[string]*flagDef{}
	m.flagByCall = map[ssa.Value]*flagDef{}
	m.cmds = nil
	m.cmdByID = map[ssa.Value]*cmdDef{}
	m.urfaveFlags = map[*ssa.Alloc]*flagDef{}
	m.toolkitFlag = nil
	m.envPrefix = map[string]string{}
	m.viper = map[string]*viperKey{}
	m.viperPrefix, m.viperAuto, m.viperAllFlags, m.goFlagsRoot, m.sethvargoPrefix = "", false, false, nil, ""
	m.viperUnmarshal, m.anyMapstructure = false, false
	m.cmdReach = map[*cmdDef]map[*ssa.Function]bool{}
}

func (m *mainAnalysis) flagAt(ptr ssa.Value) *flagDef {
	if f := m.flagByCall[ptr]; f != nil {
		return f
	}
	if k := locKey(ptr); k != "" {
		return m.flagByKey[k]
	}
	return nil
}

func (p *program) analyzeMain(pkg *packages.Package) *Main {
	out := &Main{Package: pkg.PkgPath, Dir: p.relDir(pkg), Binary: binaryName(pkg.PkgPath),
		Server: Server{Calls: []*ListenCall{}}, Listen: []*Listen{}, PrimaryListen: -1, Flags: []*Flag{}, Subcommands: []*Subcommand{},
		DefaultArgs: []string{}, RuntimePaths: []*PathUse{}, WritePaths: []*PathUse{},
		VersionVariables: []*VersionVariable{}, Cgo: []*CgoPackage{}, Errors: []string{}}
	m := &mainAnalysis{p: p, pkg: pkg, deps: map[string]bool{},
		stores: map[string][]ssa.Value{}, ctxStores: map[string][]storedValue{}, callSites: map[*ssa.Function][]ssa.CallInstruction{},
		closures: map[*ssa.Function][]*ssa.MakeClosure{}, flagByKey: map[string]*flagDef{},
		flagByCall: map[ssa.Value]*flagDef{}, cmdByID: map[ssa.Value]*cmdDef{}, urfaveFlags: map[*ssa.Alloc]*flagDef{},
		envPrefix: map[string]string{}, viper: map[string]*viperKey{},
		cmdReach: map[*cmdDef]map[*ssa.Function]bool{}}
	var closure []*packages.Package
	packages.Visit([]*packages.Package{pkg}, nil, func(d *packages.Package) {
		m.deps[d.PkgPath] = true
		closure = append(closure, d)
	})
	sort.Slice(closure, func(i, j int) bool { return closure[i].PkgPath < closure[j].PkgPath })
	for _, d := range closure {
		for _, ill := range p.illTyped {
			if ill == d {
				for _, e := range d.Errors {
					out.Errors = append(out.Errors, d.PkgPath+": "+e.Error())
				}
				out.Errors = append(out.Errors, d.PkgPath+": does not type-check; analyzed as far as its SSA could be built")
			}
		}
	}
	out.VersionVariables = p.versionVariables(closure)
	out.Cgo = cgoPackages(closure)

	ssaPkg := p.ssaPkgs[pkg]
	if ssaPkg == nil || ssaPkg.Func("main") == nil || ssaPkg.Func("main").Blocks == nil {
		out.Server.How = "not analyzed: the package does not type-check"
		for i, e := range out.Errors {
			out.Errors[i] = p.relErr(e)
		}
		out.Errors = sortedUnique(out.Errors)
		return out
	}
	r := newReacher(p)
	m.implementations = r.implementations
	roots := []*ssa.Function{ssaPkg.Func("main"), ssaPkg.Func("init")}
	for round := 0; round < 3; round++ {
		m.reset()
		m.reach = r.reach(roots)
		m.funcs = sortedFuncs(m.reach)
		m.index()
		r.dynamic = m.funcsOf
		m.discover()
		// A command's action that a library calls through an interface (go-flags' Commander)
		// is a root too: walk again with it.
		var more []*ssa.Function
		for _, c := range m.cmds {
			for _, a := range c.actions {
				if !m.reach[a] {
					more = append(more, a)
				}
			}
		}
		if len(more) == 0 {
			break
		}
		roots = append(roots, more...)
	}

	// Listen calls.
	sinkFuncs := map[*ssa.Function]bool{}
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				if spec, ok := classifyListen(ci.Common()); ok {
					m.listenSites = append(m.listenSites, listenSite{ci, spec, fn})
					sinkFuncs[fn] = true
				}
			}
		}
	}
	out.Server.How = "ssa-reachability"
	for _, s := range m.listenSites {
		out.Server.Calls = append(out.Server.Calls, &ListenCall{Call: calleeName(s.instr.Common()),
			Source: p.pos(m.instrPos(s.instr)), In: s.fn.String()})
	}
	out.Server.Listens = len(out.Server.Calls) > 0
	m.kingpinDispatch()
	out.Subcommands, out.DefaultArgs = m.subcommands(r, sinkFuncs)
	out.Listen = m.listens()
	out.Flags = m.flagsOut()
	out.RuntimePaths, out.WritePaths = m.paths()
	out.PrimaryListen = primaryListen(out.Listen, out.DefaultArgs)

	sort.Slice(out.Server.Calls, func(i, j int) bool { return lessPos(out.Server.Calls[i].Source, out.Server.Calls[j].Source) })
	for i, e := range out.Errors {
		out.Errors[i] = p.relErr(e)
	}
	out.Errors = sortedUnique(out.Errors)
	return out
}

func lessPos(a, b string) bool {
	fa, la, _ := strings.Cut(a, ":")
	fb, lb, _ := strings.Cut(b, ":")
	if fa != fb {
		return fa < fb
	}
	na, _ := strconv.Atoi(la)
	nb, _ := strconv.Atoi(lb)
	return na < nb
}

func (m *mainAnalysis) instrPos(instr ssa.Instruction) token.Pos {
	if pos := instr.Pos(); pos.IsValid() {
		return pos
	}
	// An implicit conversion has no position: take the next instruction's that has one.
	if b := instr.Block(); b != nil {
		after := false
		for _, other := range b.Instrs {
			if other == instr {
				after = true
				continue
			}
			if after && other.Pos().IsValid() {
				return other.Pos()
			}
		}
	}
	fn := instr.Parent()
	for _, mc := range m.closures[fn] {
		if mc.Pos().IsValid() {
			return mc.Pos()
		}
	}
	return fn.Pos()
}

// index records every store (by location), static call site and closure of the reachable code.
func (m *mainAnalysis) index() {
	var paramStores []*ssa.Store
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				switch x := instr.(type) {
				case *ssa.Store:
					switch x.Addr.(type) {
					case *ssa.Global, *ssa.FieldAddr:
						if k := locKey(x.Addr); k != "" {
							m.stores[k] = append(m.stores[k], x.Val)
						}
					case *ssa.Parameter:
						paramStores = append(paramStores, x)
					}
				case *ssa.MakeClosure:
					if f, ok := x.Fn.(*ssa.Function); ok {
						m.closures[f] = append(m.closures[f], x)
					}
				}
				if ci, ok := instr.(ssa.CallInstruction); ok {
					if callee := ci.Common().StaticCallee(); callee != nil && callee.Blocks != nil {
						m.callSites[callee] = append(m.callSites[callee], ci)
					} else if ci.Common().IsInvoke() && m.implementations != nil {
						for _, impl := range m.implementations(ci.Common()) {
							if m.reach[impl] {
								m.invokeSites[impl] = append(m.invokeSites[impl], ci)
							}
						}
					}
				}
			}
		}
	}
	// *target = v in func parse(target *int, ...): a store into whatever each call site passes.
	for _, st := range paramStores {
		param := st.Addr.(*ssa.Parameter)
		fn := param.Parent()
		idx := -1
		for i, p := range fn.Params {
			if p == param {
				idx = i
			}
		}
		for _, site := range m.callSites[fn] {
			args := site.Common().Args
			if idx < 0 || idx >= len(args) {
				continue
			}
			switch args[idx].(type) {
			case *ssa.Global, *ssa.FieldAddr:
				k := locKey(args[idx])
				m.ctxStores[k] = append(m.ctxStores[k], storedValue{st.Val, []binding{{fn, args}}})
			}
		}
	}
}

// listenAddr traces the address of one listen call.
func (m *mainAnalysis) listenAddr(s listenSite, ctx []binding, linked map[ssa.CallInstruction]bool) (*Expr, bool) {
	args := s.instr.Common().Args
	trace := func(v ssa.Value) *Expr { return m.traceIn(v, ctx) }
	switch s.spec.kind {
	case addrArg:
		if s.spec.arg < len(args) {
			return trace(args[s.spec.arg]), true
		}
	case serverAddr:
		if len(args) > 0 {
			t := &tracer{m: m, path: map[ssa.Value]int{}, stack: append([]binding(nil), ctx...)}
			e := t.field(args[0], 0, args[0].Type())
			if st, ok := deref(args[0].Type()).Underlying().(*types.Struct); ok {
				for i := 0; i < st.NumFields(); i++ {
					if st.Field(i).Name() == "Addr" {
						e = t.field(args[0], i, args[0].Type())
					}
				}
			}
			if e.Op == "unknown" && strings.HasPrefix(e.Name, "field") {
				// Nothing stored into Addr: net/http listens on ":http".
				return lit(":http"), true
			}
			return e, true
		}
	case tcpAddrArg:
		if s.spec.arg < len(args) {
			t := &tracer{m: m, path: map[ssa.Value]int{}, stack: append([]binding(nil), ctx...)}
			if st, ok := deref(args[s.spec.arg].Type()).Underlying().(*types.Struct); ok {
				for i := 0; i < st.NumFields(); i++ {
					if st.Field(i).Name() == "Port" {
						return concat(lit(":"), t.field(args[s.spec.arg], i, args[s.spec.arg].Type())), true
					}
				}
			}
		}
	case variadicAddr:
		if s.spec.arg < len(args) {
			elems := sliceElems(args[s.spec.arg])
			if len(elems) > 0 {
				return trace(elems[0]), true
			}
			if c, ok := args[s.spec.arg].(*ssa.Const); ok && c.Value == nil {
				return concat(lit(":"), envRef("PORT", lit("8080"))), true
			}
		}
	case httpsAddr:
		return lit(":443"), true
	case toolkitAddr:
		if m.toolkitFlag != nil {
			return &Expr{Op: "flag", Flag: m.toolkitFlag}, true
		}
	case listenerArg:
		if s.spec.arg >= 0 && s.spec.arg < len(args) {
			if site, inner, ok := m.listenerSource(args[s.spec.arg]); ok {
				linked[site.instr] = true
				e, _ := m.listenAddr(site, append(append([]binding(nil), ctx...), inner...), linked)
				return e, false
			}
		}
	}
	return unknown("address not traced"), true
}

// listenerSource follows a net.Listener value to the listen call that made it, keeping the calls
// it went through (startListening(addr, port) called twice gives two addresses, not one mixed).
func (m *mainAnalysis) listenerSource(v ssa.Value) (listenSite, []binding, bool) {
	seen := map[ssa.Value]bool{}
	var walk func(ssa.Value, []binding, int) (listenSite, []binding, bool)
	walk = func(v ssa.Value, ctx []binding, depth int) (listenSite, []binding, bool) {
		if v == nil || depth > 12 || seen[v] {
			return listenSite{}, nil, false
		}
		seen[v] = true
		defer delete(seen, v)
		var call *ssa.Call
		switch x := v.(type) {
		case *ssa.Extract:
			call, _ = x.Tuple.(*ssa.Call)
		case *ssa.Call:
			call = x
		case *ssa.ChangeInterface:
			return walk(x.X, ctx, depth+1)
		case *ssa.MakeInterface:
			return walk(x.X, ctx, depth+1)
		case *ssa.TypeAssert:
			return walk(x.X, ctx, depth+1)
		case *ssa.Phi:
			for _, e := range x.Edges {
				if s, c, ok := walk(e, ctx, depth+1); ok {
					return s, c, true
				}
			}
			return listenSite{}, nil, false
		case *ssa.Parameter:
			fn := x.Parent()
			idx := -1
			for j, q := range fn.Params {
				if q == x {
					idx = j
				}
			}
			for i := len(ctx) - 1; i >= 0; i-- {
				if ctx[i].fn == fn && idx < len(ctx[i].args) {
					return walk(ctx[i].args[idx], ctx[:i], depth+1)
				}
			}
			for _, site := range m.callSites[fn] {
				if args := site.Common().Args; idx < len(args) {
					if s, c, ok := walk(args[idx], nil, depth+1); ok {
						return s, c, true
					}
				}
			}
			return listenSite{}, nil, false
		case *ssa.FreeVar:
			fn := x.Parent()
			for j, fv := range fn.FreeVars {
				if fv != x {
					continue
				}
				for _, mc := range m.closures[fn] {
					if s, c, ok := walk(mc.Bindings[j], ctx, depth+1); ok {
						return s, c, true
					}
				}
			}
			return listenSite{}, nil, false
		case *ssa.Alloc:
			for _, ref := range *x.Referrers() {
				if st, ok := ref.(*ssa.Store); ok && st.Addr == x {
					if s, c, ok := walk(st.Val, ctx, depth+1); ok {
						return s, c, true
					}
				}
			}
			return listenSite{}, nil, false
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return listenSite{}, nil, false
			}
			if g, ok := x.X.(*ssa.Global); ok {
				for _, st := range m.stores[locKey(g)] {
					if s, c, ok := walk(st, nil, depth+1); ok {
						return s, c, true
					}
				}
				return listenSite{}, nil, false
			}
			return walk(x.X, ctx, depth+1) // a captured variable: its Alloc's stores
		case *ssa.FieldAddr:
			// A listener kept in a struct field (s.ln = l; s.srv.Serve(s.ln)).
			for _, st := range m.stores[locKey(x)] {
				if s, c, ok := walk(st, nil, depth+1); ok {
					return s, c, true
				}
			}
			return listenSite{}, nil, false
		}
		if call == nil {
			return listenSite{}, nil, false
		}
		for _, s := range m.listenSites {
			if s.instr == ssa.CallInstruction(call) {
				return s, ctx, true
			}
		}
		common := call.Common()
		if callee := common.StaticCallee(); callee != nil && callee.Blocks != nil {
			idx := 0
			if x, ok := v.(*ssa.Extract); ok {
				idx = x.Index
			}
			inner := append(append([]binding(nil), ctx...), binding{callee, common.Args})
			for _, r := range returns(callee, idx) {
				if s, c, ok := walk(r, inner, depth+1); ok {
					return s, c, true
				}
			}
			return listenSite{}, nil, false
		}
		// Wrappers: tls.NewListener(l, cfg), netutil.LimitListener(l, n), proxyproto...
		if len(common.Args) > 0 {
			return walk(common.Args[0], ctx, depth+1)
		}
		return listenSite{}, nil, false
	}
	return walk(v, nil, 0)
}

func (m *mainAnalysis) listens() []*Listen {
	out := []*Listen{}
	linked := map[ssa.CallInstruction]bool{}
	type entry struct {
		site listenSite
		expr *Expr
		own  bool
	}
	var entries []entry
	for _, s := range m.listenSites {
		e, own := m.listenAddr(s, nil, linked)
		entries = append(entries, entry{s, e, own})
	}
	for _, en := range entries {
		// A listen call whose listener a Serve call uses is reported once, at the Serve call.
		if en.own && linked[en.site.instr] {
			continue
		}
		out = append(out, m.describeListen(en.site, en.expr))
	}
	sort.SliceStable(out, func(i, j int) bool { return lessPos(out[i].Source, out[j].Source) })
	return out
}

func (m *mainAnalysis) describeListen(s listenSite, e *Expr) *Listen {
	l := &Listen{Call: calleeName(s.instr.Common()), Source: m.p.pos(m.instrPos(s.instr)), Expr: e.String(),
		Commands: []string{}}
	for _, c := range m.cmds {
		if m.cmdReach[c][s.fn] || c.directSinks[s.instr] {
			l.Commands = append(l.Commands, strings.Join(c.path(), " "))
		}
	}
	l.Commands = sortedUnique(l.Commands)
	l.Default = e.eval(nil)
	if e.Op == "unknown" {
		l.Default = ""
	}
	l.Port = portOf(l.Default)
	srcs := e.sources()
	l.Kind = "literal"
	if e.Op == "unknown" {
		l.Kind = "unknown"
	}
	// Where each source's value goes: the port alone ("{port}"), the whole address (":{port}"),
	// or the host part (no use for the port).
	role := func(src *Expr) (int, string) {
		v := e.eval(src)
		switch {
		case strings.Contains(v, marker+":"):
			return -1, ""
		case strings.HasSuffix(v, ":"+marker):
			return 2, "{port}"
		case v == marker:
			if d := srcDefault(src); d != "" && portOf(d) != 0 && !strings.Contains(d, ":") {
				return 2, "{port}"
			}
			return 1, ":{port}"
		case strings.Contains(v, marker):
			return 0, ":{port}"
		}
		return -1, ""
	}
	best := func(op string) (*Expr, string) {
		var b *Expr
		bestRole, bestValue := -1, ""
		for _, src := range srcs {
			if src.Op != op {
				continue
			}
			r, v := role(src)
			if op == "tag" && src.Tag.Env == "" && src.Tag.Flag == "" && r >= 0 {
				r = 0
			}
			if r > bestRole || (r == bestRole && b != nil && secureName(b.String()) && !secureName(src.String())) {
				b, bestRole, bestValue = src, r, v
			}
		}
		return b, bestValue
	}
	if src, value := best("flag"); src != nil {
		f := src.Flag
		l.Kind = "flag"
		def := srcDefault(src)
		l.Flag = &Override{Name: f.Name, Syntax: f.syntaxName() + "=" + value, Default: def,
			Source: m.p.pos(f.Pos), Library: f.Library}
		if len(f.Env) > 0 {
			l.Env = &Override{Name: f.Env[0], Syntax: f.Env[0] + "=" + value, Default: def,
				Source: m.p.pos(f.Pos), Library: f.Library}
		}
	}
	if src, value := best("env"); src != nil {
		def := srcDefault(src)
		if def == "" && value == "{port}" && l.Port != 0 {
			def = strconv.Itoa(l.Port)
		} else if def == "" {
			def = l.Default
		}
		if l.Kind == "literal" || l.Kind == "unknown" {
			l.Kind = "env"
		}
		if l.Env == nil {
			l.Env = &Override{Name: src.Name, Syntax: src.Name + "=" + value, Default: def, Library: "os"}
		}
	}
	if src, value := best("tag"); src != nil {
		tag := src.Tag
		if l.Kind == "literal" || l.Kind == "unknown" {
			l.Kind = "config-tag"
		}
		l.Config = &Override{Name: tag.Field, Default: tag.Default, Source: m.p.pos(tag.Pos), Library: tag.Library}
		if tag.Env != "" && l.Env == nil {
			l.Env = &Override{Name: tag.Env, Syntax: tag.Env + "=" + value, Default: tag.Default, Source: m.p.pos(tag.Pos), Library: tag.Library}
		}
		if tag.Flag != "" && l.Flag == nil {
			l.Flag = &Override{Name: tag.Flag, Syntax: "--" + tag.Flag + "=" + value, Default: tag.Default, Source: m.p.pos(tag.Pos), Library: tag.Library}
			if f := m.flagByName(tag.Flag); f != nil && tag.Library == "flag-tag" {
				// The tag names a flag defined in code: its definition says the rest.
				l.Flag.Syntax = f.syntaxName() + "=" + value
				l.Flag.Library, l.Flag.Source = f.Library, m.p.pos(f.Pos)
				if f.Default != nil {
					l.Flag.Default = f.Default.eval(nil)
				}
			}
			if l.Kind == "config-tag" {
				l.Kind = "flag" // go-flags, ardanlabs/conf: the tag defines a flag
			}
		}
	}
	if src, _ := best("viper"); src != nil {
		if l.Kind == "literal" || l.Kind == "unknown" {
			l.Kind = "config"
		}
		if l.Config == nil {
			l.Config = &Override{Name: src.Name, Default: srcDefault(src), Library: "viper"}
		}
	}
	if l.Kind == "literal" && len(srcs) == 0 && hasUnknown(e) {
		l.Kind = "unknown"
	}
	return l
}

func srcDefault(src *Expr) string {
	switch src.Op {
	case "flag":
		if src.Flag.Default != nil {
			return src.Flag.Default.eval(nil)
		}
	case "tag":
		return src.Tag.Default
	default:
		if src.Def != nil {
			return src.Def.eval(nil)
		}
	}
	return ""
}

func hasUnknown(e *Expr) bool {
	if e == nil {
		return false
	}
	if e.Op == "unknown" {
		return true
	}
	for _, a := range e.Args {
		if a.Op == "unknown" {
			return true
		}
		if a.Op == "concat" && hasUnknown(a) {
			return true
		}
	}
	return false
}

func (m *mainAnalysis) flagsOut() []*Flag {
	out := []*Flag{}
	seen := map[string]bool{}
	for _, f := range m.flags {
		fl := &Flag{Name: f.Name, Syntax: f.syntaxName(), Shorthand: f.Shorthand, Type: f.Type, Library: f.Library,
			Source: m.p.pos(f.Pos), Env: nonNil(sortedUnique(append([]string(nil), f.Env...))), Command: []string{}}
		if f.Default != nil {
			fl.Default = f.Default.eval(nil)
		}
		if f.Usage != nil {
			fl.Usage = f.Usage.eval(nil)
		}
		if f.Cmd != nil {
			fl.Command = nonNil(f.Cmd.path())
		}
		if env := m.viperEnvOf(f); env != "" {
			fl.Env = sortedUnique(append(fl.Env, env))
		}
		key := strings.Join(fl.Command, " ") + "|" + fl.Name + "|" + fl.Source
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, fl)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := strings.Join(out[i].Command, " "), strings.Join(out[j].Command, " ")
		if a != b {
			return a < b
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return lessPos(out[i].Source, out[j].Source)
	})
	return out
}

var serveNames = map[string]int{"serve": 0, "server": 1, "run": 2, "start": 3, "web": 4, "http": 5, "api": 6, "daemon": 7, "agent": 8}

func (m *mainAnalysis) subcommands(r *reacher, sinkFuncs map[*ssa.Function]bool) ([]*Subcommand, []string) {
	out := []*Subcommand{}
	var best *Subcommand
	rank := func(s *Subcommand) int {
		if s.Deprecated {
			return 1000 + len(s.Path)
		}
		if len(s.Path) == 0 {
			return -1
		}
		if n, ok := serveNames[s.Path[len(s.Path)-1]]; ok {
			return n + len(s.Path)*10
		}
		return 100 + len(s.Path)*10
	}
	seen := map[string]bool{}
	for _, c := range m.cmds {
		if c.root && len(c.actions) == 0 {
			continue
		}
		if c.Name == "" && !c.root {
			continue
		}
		s := &Subcommand{Path: nonNil(c.path()), Library: c.Library, Source: m.p.pos(c.Pos), Deprecated: c.deprecated}
		if len(c.actions) > 0 {
			reached := r.reach(c.actions)
			m.cmdReach[c] = reached
			for fn := range reached {
				if sinkFuncs[fn] {
					s.ReachesListen = true
					break
				}
			}
		}
		if len(c.directSinks) > 0 {
			s.ReachesListen = true
		}
		key := strings.Join(s.Path, " ")
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s)
		if s.ReachesListen && (best == nil || rank(s) < rank(best)) {
			best = s
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.Join(out[i].Path, " ") < strings.Join(out[j].Path, " ") })
	if best == nil {
		return out, []string{}
	}
	return out, append([]string{}, best.Path...)
}

// paths reports the runtime reads and writes of reachable code.
func (m *mainAnalysis) paths() ([]*PathUse, []*PathUse) {
	reads, writes := []*PathUse{}, []*PathUse{}
	seen := map[string]bool{}
	add := func(write bool, call string, e *Expr, pos token.Pos, strip string) {
		p := e.evalWith(nil, "{?}")
		if e.Op == "unknown" {
			p = ""
		}
		if strip != "" {
			p = strings.TrimPrefix(p, strip)
		}
		srcs := e.sources()
		if (p == "" || strings.HasPrefix(p, "{?}")) && len(srcs) == 0 {
			return // nothing known, or a name under an unknown directory
		}
		for strings.HasPrefix(p, "./") && len(p) > 2 {
			p = p[2:]
		}
		if strip == "file:" {
			if i := strings.Index(p, "?"); i >= 0 {
				p = p[:i]
			}
		}
		u := &PathUse{Path: p, Expr: e.String(), Kind: "literal", Absolute: path.IsAbs(p), Call: call, Source: m.p.pos(pos)}
		if hasUnknown(e) || e.Op == "unknown" {
			u.Kind = "partly-unknown"
		}
		if strings.Contains(p, "{executable") {
			u.Kind = "executable-dir"
		}
		for _, s := range srcs {
			switch s.Op {
			case "flag":
				if u.Flag == "" {
					u.Flag = s.Flag.syntaxName()
					u.Kind = "flag"
				}
			case "env":
				if u.Env == "" {
					u.Env = s.Name
					if u.Kind != "flag" {
						u.Kind = "env"
					}
				}
			case "tag":
				if u.Env == "" && s.Tag.Env != "" {
					u.Env = s.Tag.Env
				}
				if u.Kind != "flag" && u.Kind != "env" {
					u.Kind = "config-tag"
				}
			}
		}
		key := strconv.FormatBool(write) + u.Path + u.Source + u.Call
		if seen[key] {
			return
		}
		seen[key] = true
		if write {
			writes = append(writes, u)
		} else {
			reads = append(reads, u)
		}
	}
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				// http.Dir("static"): a conversion, or a constant of that type.
				var ops [32]*ssa.Value
				for _, op := range instr.Operands(ops[:0]) {
					if op == nil || *op == nil {
						continue
					}
					if c, ok := (*op).(*ssa.Const); ok && isHTTPDir(c.Type()) && c.Value != nil {
						add(false, "net/http.Dir", lit(constString(c.Value)), m.instrPos(instr), "")
					}
				}
				if ct, ok := instr.(*ssa.ChangeType); ok && isHTTPDir(ct.Type()) {
					add(false, "net/http.Dir", m.trace(ct.X), ct.Pos(), "")
				}
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				spec, name, ok := classifyPath(ci.Common())
				if !ok {
					continue
				}
				args := ci.Common().Args
				if spec.arg >= len(args) {
					continue
				}
				write := spec.write
				if name == "os.OpenFile" && len(args) > 1 {
					if c, ok := args[1].(*ssa.Const); ok && c.Value != nil && c.Int64()&(0x1|0x2|0x40|0x200|0x400) != 0 {
						write = true
					}
				}
				if spec.sqlite {
					if !strings.Contains(strings.ToLower(m.str(args[0])), "sqlite") {
						continue
					}
					spec.strip = "file:"
				}
				pos := m.instrPos(ci)
				if spec.variadic {
					for _, e := range sliceElems(args[spec.arg]) {
						add(write, name, m.trace(e), pos, spec.strip)
					}
					continue
				}
				add(write, name, m.trace(args[spec.arg]), pos, spec.strip)
			}
		}
	}
	less := func(s []*PathUse) func(i, j int) bool {
		return func(i, j int) bool {
			if s[i].Path != s[j].Path {
				return s[i].Path < s[j].Path
			}
			return lessPos(s[i].Source, s[j].Source)
		}
	}
	sort.SliceStable(reads, less(reads))
	sort.SliceStable(writes, less(writes))
	return reads, writes
}

func isHTTPDir(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "Dir"
}

var versionName = regexp.MustCompile(`(?i)^(app|build|git|main|short|long|full|release|bin|program)?_?(version|ver|revision|rev|commit|commithash|commitsha|sha|hash|date|time|timestamp|stamp|tag|branch|user|host|number|id|info)$`)
var versionAlone = regexp.MustCompile(`(?i)^(version|revision|commit|gitcommit|buildDate|buildTime|buildstamp|tag|gittag|branch|gitbranch|builduser|gitsha|githash|builddate|buildtime|buildversion|appversion|gitversion|gitrevision|commithash|commitsha|buildnumber|buildhost|date)$`)

// versionVariables lists package-level string variables that -ldflags -X can stamp: in any
// module package, and in dependencies whose package is named for versions (prometheus/common/version).
func (p *program) versionVariables(closure []*packages.Package) []*VersionVariable {
	out := []*VersionVariable{}
	for _, pkg := range closure {
		inModule := pkg.Module != nil && pkg.Module.Main
		if !inModule {
			switch pkg.Name {
			case "version", "buildinfo", "build", "versioninfo":
			default:
				continue
			}
		}
		if pkg.Types == nil || pkg.TypesInfo == nil {
			continue
		}
		for _, f := range pkg.Syntax {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if id.Name == "_" {
							continue
						}
						name := id.Name
						if !versionAlone.MatchString(name) && !(versionName.MatchString(name) && len(name) > 4 && strings.ContainsAny(name[:1], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") && hasPrefixWord(name)) {
							continue
						}
						obj, ok := pkg.TypesInfo.Defs[id].(*types.Var)
						if !ok || obj == nil {
							continue
						}
						if b, ok := obj.Type().(*types.Basic); !ok || b.Kind() != types.String {
							continue
						}
						value := ""
						if len(vs.Values) > 0 {
							if len(vs.Values) != len(vs.Names) {
								continue
							}
							tv, ok := pkg.TypesInfo.Types[vs.Values[i]]
							if !ok || tv.Value == nil {
								continue // initialized by a non-constant: -X would not take
							}
							value = constString(tv.Value)
						}
						ldName := pkg.PkgPath + "." + name
						if pkg.Name == "main" {
							ldName = "main." + name // -X names package main so, whatever its path
						}
						out = append(out, &VersionVariable{Name: ldName, Value: value,
							InModule: inModule, Source: p.pos(id.Pos())})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// hasPrefixWord accepts names made of a known prefix and a stamp word (gitCommit, buildDate) but
// not arbitrary words that merely end like one (e.g. "timeout").
func hasPrefixWord(name string) bool {
	l := strings.ToLower(name)
	for _, p := range []string{"app", "build", "git", "main", "short", "long", "full", "release", "bin", "program"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func cgoPackages(closure []*packages.Package) []*CgoPackage {
	out := []*CgoPackage{}
	for _, pkg := range closure {
		if !usesCgo(pkg) {
			continue
		}
		c := &CgoPackage{Package: pkg.PkgPath, Std: !strings.Contains(strings.Split(pkg.PkgPath, "/")[0], ".")}
		if pkg.Module != nil {
			c.Module = pkg.Module.Path
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Package < out[j].Package })
	return out
}

// usesCgo: go list runs cgo on a package's cgo files, so its compiled files are not its Go files.
func usesCgo(pkg *packages.Package) bool {
	goFiles := map[string]bool{}
	for _, f := range pkg.GoFiles {
		goFiles[f] = true
	}
	for _, f := range pkg.CompiledGoFiles {
		if !goFiles[f] {
			return true
		}
	}
	return false
}

// kingpinDispatch reads kingpin's usual dispatch, switch kingpin.Parse() { case serve.FullCommand(): ... }:
// what runs in the blocks the comparison's true branch dominates is that command's action.
func (m *mainAnalysis) kingpinDispatch() {
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(*ssa.Call)
				if !ok || call.Common().StaticCallee() == nil || call.Common().StaticCallee().Name() != "FullCommand" ||
					library(pkgPathOf(call.Common())) != "kingpin" || len(call.Common().Args) == 0 {
					continue
				}
				cmd := m.cmdFor(call.Common().Args[0])
				if cmd == nil {
					continue
				}
				for _, ref := range *call.Referrers() {
					eq, ok := ref.(*ssa.BinOp)
					if !ok || eq.Op != token.EQL {
						continue
					}
					for _, r2 := range *eq.Referrers() {
						iff, ok := r2.(*ssa.If)
						if !ok || len(iff.Block().Succs) == 0 {
							continue
						}
						then := iff.Block().Succs[0]
						for _, blk := range fn.Blocks {
							if !then.Dominates(blk) {
								continue
							}
							for _, in := range blk.Instrs {
								ci, ok := in.(ssa.CallInstruction)
								if !ok {
									continue
								}
								if _, ok := classifyListen(ci.Common()); ok {
									if cmd.directSinks == nil {
										cmd.directSinks = map[ssa.CallInstruction]bool{}
									}
									cmd.directSinks[ci] = true
								}
								if callee := ci.Common().StaticCallee(); callee != nil && callee.Blocks != nil {
									cmd.actions = append(cmd.actions, callee)
								}
							}
						}
					}
				}
			}
		}
	}
}

// primaryListen picks the listen entry a container should publish: one with a known port, reached
// by the default command, plain before TLS, traced to a flag or variable before a literal.
func primaryListen(ls []*Listen, defaultArgs []string) int {
	want := strings.Join(defaultArgs, " ")
	best, bestScore := -1, -1
	for i, l := range ls {
		score := 0
		if l.Port != 0 {
			score += 8
		}
		for _, c := range l.Commands {
			if c == want {
				score += 4
			}
		}
		if len(l.Commands) == 0 && want == "" {
			score += 4
		}
		if !strings.Contains(l.Call, "TLS") && (l.Env == nil || !secureName(l.Env.Name)) && (l.Flag == nil || !secureName(l.Flag.Name)) {
			score += 2
		}
		if l.Kind != "literal" && l.Kind != "unknown" {
			score++
		}
		if !auxiliaryName(l.Expr) {
			score += 2 // not a debug, pprof, metrics or admin listener
		}
		if httpServer(l.Call) {
			score += 16 // beside a gRPC or raw listener, the HTTP server is what a container publishes and probes
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// httpServer tells an HTTP server's listen call (net/http, fasthttp, the web frameworks) from gRPC's and raw ones.
func httpServer(call string) bool {
	if strings.Contains(call, "net/http.") || strings.Contains(call, "fasthttp") || strings.Contains(call, "exporter-toolkit") {
		return true
	}
	for _, f := range frameworks {
		if strings.Contains(call, f) {
			return true
		}
	}
	return false
}

func auxiliaryName(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{"debug", "pprof", "metrics", "admin", "profil", "health", "internal"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}
