package main

import (
	"fmt"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Tracing follows an SSA value back to what it is made of (an Expr): through conversions,
// string concatenation, fmt.Sprintf, net.JoinHostPort, phis, loads from variables, globals and
// struct fields (to every store into them), calls into the module's own functions (their return
// values, with their parameters bound to the call's arguments) and parameters (to the arguments of
// every call site). Flag, environment and configuration reads end the walk.

const maxDepth = 14

type binding struct {
	fn   *ssa.Function
	args []ssa.Value
}

type tracer struct {
	m     *mainAnalysis
	stack []binding
	path  map[ssa.Value]int
	depth int
}

func (m *mainAnalysis) trace(v ssa.Value) *Expr {
	t := &tracer{m: m, path: map[ssa.Value]int{}}
	return t.value(v)
}

func (m *mainAnalysis) traceIn(v ssa.Value, ctx []binding) *Expr {
	t := &tracer{m: m, path: map[ssa.Value]int{}, stack: append([]binding(nil), ctx...)}
	return t.value(v)
}

// locKey names a storage location so that stores and loads anywhere in the program meet.
func locKey(v ssa.Value) string {
	switch v := v.(type) {
	case *ssa.Global:
		if v.Pkg != nil {
			return "g:" + v.Pkg.Pkg.Path() + "." + v.Name()
		}
		return "g:" + v.Name()
	case *ssa.FieldAddr:
		st := deref(v.X.Type())
		s, ok := st.Underlying().(*types.Struct)
		if !ok {
			return ""
		}
		return "f:" + typeString(st) + "." + s.Field(v.Field).Name()
	case *ssa.Alloc, *ssa.Call:
		return fmt.Sprintf("v:%p", v)
	}
	return ""
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return types.Unalias(p.Elem())
	}
	return types.Unalias(t)
}

func (t *tracer) enter(v ssa.Value) bool {
	if t.depth > maxDepth || t.path[v] > 1 {
		return false
	}
	t.path[v]++
	t.depth++
	return true
}

func (t *tracer) leave(v ssa.Value) {
	t.path[v]--
	t.depth--
}

func (t *tracer) value(v ssa.Value) *Expr {
	if v == nil {
		return unknown("nil")
	}
	if !t.enter(v) {
		return unknown("cycle")
	}
	defer t.leave(v)
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return lit("")
		}
		return lit(constString(v.Value))
	case *ssa.MakeInterface:
		return t.value(v.X)
	case *ssa.ChangeType:
		return t.value(v.X)
	case *ssa.Convert:
		return t.value(v.X)
	case *ssa.ChangeInterface:
		return t.value(v.X)
	case *ssa.TypeAssert:
		return t.value(v.X)
	case *ssa.Slice:
		return t.value(v.X)
	case *ssa.BinOp:
		if v.Op == token.ADD {
			return concat(t.value(v.X), t.value(v.Y))
		}
		return unknown(v.Op.String())
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return t.load(v.X)
		}
		return unknown(v.Op.String())
	case *ssa.Phi:
		var parts []*Expr
		for _, e := range v.Edges {
			if e != v {
				parts = append(parts, t.value(e))
			}
		}
		return alt(parts...)
	case *ssa.Call:
		return t.call(v)
	case *ssa.Extract:
		return t.extract(v)
	case *ssa.Parameter, *ssa.FreeVar:
		var parts []*Expr
		for _, a := range t.incoming(v) {
			parts = append(parts, t.value(a.v))
		}
		return alt(parts...)
	case *ssa.Field:
		if ld, ok := v.X.(*ssa.UnOp); ok && ld.Op == token.MUL {
			return t.field(ld.X, v.Field, v.X.Type())
		}
		return unknown("field")
	case *ssa.Alloc:
		// A slice's backing array or a variable whose address is taken: the stored values.
		return unknown("alloc")
	}
	return unknown(fmt.Sprintf("%T", v))
}

type incomingValue struct {
	v ssa.Value
}

// incoming gives the values a parameter or free variable may hold: the bound argument when the
// walk came in through a call, otherwise the arguments of every call site (a few).
func (t *tracer) incoming(v ssa.Value) []incomingValue {
	switch v := v.(type) {
	case *ssa.Parameter:
		fn := v.Parent()
		idx := -1
		for i, p := range fn.Params {
			if p == v {
				idx = i
			}
		}
		if idx < 0 {
			return nil
		}
		for i := len(t.stack) - 1; i >= 0; i-- {
			if t.stack[i].fn == fn {
				if idx < len(t.stack[i].args) {
					return []incomingValue{{t.stack[i].args[idx]}}
				}
				return nil
			}
		}
		var out []incomingValue
		for _, site := range t.m.callSites[fn] {
			args := site.Common().Args
			if idx < len(args) {
				out = append(out, incomingValue{args[idx]})
			}
			if len(out) >= 6 {
				break
			}
		}
		// A method called through an interface: the call's Args follow the receiver (which is
		// the interface value, not traced as a parameter here).
		for _, site := range t.m.invokeSites[fn] {
			if len(out) >= 6 {
				break
			}
			if args := site.Common().Args; idx >= 1 && idx-1 < len(args) {
				out = append(out, incomingValue{args[idx-1]})
			}
		}
		if len(out) == 0 {
			out = t.callbackArgs(fn, idx)
		}
		return out
	case *ssa.FreeVar:
		fn := v.Parent()
		idx := -1
		for i, fv := range fn.FreeVars {
			if fv == v {
				idx = i
			}
		}
		var out []incomingValue
		for _, mc := range t.m.closures[fn] {
			if idx >= 0 && idx < len(mc.Bindings) {
				out = append(out, incomingValue{mc.Bindings[idx]})
			}
		}
		return out
	}
	return nil
}

func (t *tracer) withBinding(fn *ssa.Function, args []ssa.Value, f func() *Expr) *Expr {
	t.stack = append(t.stack, binding{fn, args})
	defer func() { t.stack = t.stack[:len(t.stack)-1] }()
	return f()
}

func returns(fn *ssa.Function, idx int) []ssa.Value {
	var out []ssa.Value
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if r, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && idx < len(r.Results) {
			out = append(out, r.Results[idx])
		}
	}
	return out
}

func (t *tracer) call(c *ssa.Call) *Expr {
	common := c.Common()
	callee := common.StaticCallee()
	if e := t.m.knownCall(t, c, callee); e != nil {
		return e
	}
	if callee != nil && callee.Blocks != nil {
		var parts []*Expr
		for _, r := range returns(callee, 0) {
			r := r
			parts = append(parts, t.withBinding(callee, common.Args, func() *Expr { return t.value(r) }))
		}
		return alt(parts...)
	}
	return unknown("call " + calleeName(common))
}

func (t *tracer) extract(x *ssa.Extract) *Expr {
	c, ok := x.Tuple.(*ssa.Call)
	if !ok {
		return unknown("extract")
	}
	callee := c.Common().StaticCallee()
	if name := funcName(callee); name != "" {
		switch name {
		case "os.LookupEnv":
			if x.Index == 0 {
				return envRef(t.value(c.Common().Args[0]).eval(nil), nil)
			}
			return unknown("lookupenv ok")
		case "os.Executable":
			if x.Index == 0 {
				return &Expr{Op: "exe"}
			}
		}
		if x.Index == 0 {
			if e := t.m.knownCall(t, c, callee); e != nil {
				return e
			}
		}
	}
	if callee != nil && callee.Blocks != nil {
		var parts []*Expr
		for _, r := range returns(callee, x.Index) {
			r := r
			parts = append(parts, t.withBinding(callee, c.Common().Args, func() *Expr { return t.value(r) }))
		}
		return alt(parts...)
	}
	return unknown("extract")
}

// load traces *ptr: the flag bound to that location, the configuration tag of a field, or the
// values stored there.
func (t *tracer) load(ptr ssa.Value) *Expr {
	if !t.enter(ptr) {
		return unknown("cycle")
	}
	defer t.leave(ptr)
	if f := t.m.flagAt(ptr); f != nil {
		return &Expr{Op: "flag", Flag: f}
	}
	switch p := ptr.(type) {
	case *ssa.Global:
		e := t.stored(t.m.stores[locKey(p)], "global "+p.Name())
		for _, sv := range t.m.ctxStores[locKey(p)] {
			saved := t.stack
			t.stack = append(append([]binding(nil), saved...), sv.ctx...)
			e = alt(e, t.value(sv.v))
			t.stack = saved
		}
		return e
	case *ssa.FieldAddr:
		return t.field(p.X, p.Field, p.X.Type())
	case *ssa.Alloc:
		var vals []ssa.Value
		for _, ref := range *p.Referrers() {
			if st, ok := ref.(*ssa.Store); ok && st.Addr == p {
				vals = append(vals, st.Val)
			}
		}
		return t.stored(vals, "variable")
	case *ssa.Call:
		callee := p.Common().StaticCallee()
		if callee != nil && callee.Blocks != nil {
			var parts []*Expr
			for _, r := range returns(callee, 0) {
				r := r
				parts = append(parts, t.withBinding(callee, p.Common().Args, func() *Expr { return t.load(r) }))
			}
			return alt(parts...)
		}
		return unknown("pointer from " + calleeName(p.Common()))
	case *ssa.UnOp, *ssa.Phi, *ssa.Parameter, *ssa.FreeVar, *ssa.Extract:
		var parts []*Expr
		for _, target := range t.pointerTargets(p) {
			parts = append(parts, t.load(target))
		}
		return alt(parts...)
	case *ssa.IndexAddr:
		// strings.Split(addr, "//")[i]: that piece of the traced string.
		if call, ok := p.X.(*ssa.Call); ok {
			switch funcName(call.Common().StaticCallee()) {
			case "strings.Split", "strings.SplitN":
				idx := "last"
				if c, ok := p.Index.(*ssa.Const); ok && c.Value != nil {
					idx = constString(c.Value)
				}
				return &Expr{Op: "split", Args: []*Expr{t.value(call.Common().Args[0])},
					Lit: t.value(call.Common().Args[1]).eval(nil), Name: idx}
			}
		}
		// An element of a slice or array: the slice's own source (a repeatable flag's default),
		// or the elements of a slice literal.
		if elems := sliceElems(p.X); len(elems) > 0 {
			var parts []*Expr
			for _, el := range elems {
				parts = append(parts, t.value(el))
			}
			return alt(parts...)
		}
		e := t.value(p.X)
		if e.Op == "flag" || e.Op == "env" || e.Op == "tag" {
			return e
		}
		return unknown("slice element")
	case *ssa.MakeInterface, *ssa.ChangeType, *ssa.Convert:
		return unknown("converted pointer")
	}
	return unknown(fmt.Sprintf("load %T", ptr))
}

func (t *tracer) stored(vals []ssa.Value, what string) *Expr {
	if len(vals) == 0 {
		return unknown("nothing stored in " + what)
	}
	var parts []*Expr
	for i, v := range vals {
		if i >= 8 {
			break
		}
		parts = append(parts, t.value(v))
	}
	return alt(parts...)
}

// pointerTargets resolves a pointer value to the locations it may point to.
func (t *tracer) pointerTargets(v ssa.Value) []ssa.Value {
	seen := map[ssa.Value]bool{}
	var out []ssa.Value
	var walk func(ssa.Value, int)
	walk = func(v ssa.Value, depth int) {
		if v == nil || seen[v] || depth > 8 {
			return
		}
		seen[v] = true
		switch x := v.(type) {
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return
			}
			var locs []ssa.Value
			switch x.X.(type) {
			case *ssa.Global, *ssa.Alloc, *ssa.FieldAddr:
				locs = []ssa.Value{x.X}
			default:
				// A captured variable (*FreeVar), a pointer parameter: where it points.
				for _, l := range t.pointerTargets(x.X) {
					if l != x.X {
						locs = append(locs, l)
					}
				}
			}
			if len(locs) == 0 {
				out = append(out, v)
			}
			for _, l := range locs {
				switch loc := l.(type) {
				case *ssa.Global:
					for _, s := range t.m.stores[locKey(loc)] {
						walk(s, depth+1)
					}
				case *ssa.Alloc:
					for _, ref := range *loc.Referrers() {
						if st, ok := ref.(*ssa.Store); ok && st.Addr == loc {
							walk(st.Val, depth+1)
						}
					}
				case *ssa.FieldAddr:
					found := false
					for _, a := range t.pointerTargets(loc.X) {
						if alloc, ok := a.(*ssa.Alloc); ok {
							for _, s := range fieldStores(alloc, loc.Field) {
								found = true
								walk(s, depth+1)
							}
						}
					}
					if !found {
						for _, s := range t.m.stores[locKey(loc)] {
							walk(s, depth+1)
						}
					}
				default:
					out = append(out, v)
				}
			}
		case *ssa.Phi:
			for _, e := range x.Edges {
				walk(e, depth+1)
			}
		case *ssa.Parameter, *ssa.FreeVar:
			for _, a := range t.incoming(x) {
				walk(a.v, depth+1)
			}
		case *ssa.Call:
			callee := x.Common().StaticCallee()
			if callee != nil && callee.Blocks != nil && t.m.flagByCall[x] == nil {
				for _, r := range returns(callee, 0) {
					walk(r, depth+1)
				}
				return
			}
			out = append(out, v)
		case *ssa.Extract:
			if c, ok := x.Tuple.(*ssa.Call); ok {
				if callee := c.Common().StaticCallee(); callee != nil && callee.Blocks != nil {
					for _, r := range returns(callee, x.Index) {
						walk(r, depth+1)
					}
					return
				}
			}
			out = append(out, v)
		case *ssa.MakeInterface:
			walk(x.X, depth+1)
		case *ssa.ChangeType:
			walk(x.X, depth+1)
		case *ssa.TypeAssert:
			walk(x.X, depth+1)
		default:
			out = append(out, v)
		}
	}
	walk(v, 0)
	return out
}

// fieldStores gives the values stored into field idx of a struct allocation.
func fieldStores(alloc *ssa.Alloc, idx int) []ssa.Value {
	var out []ssa.Value
	for _, ref := range *alloc.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || fa.Field != idx {
			continue
		}
		for _, r := range *fa.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == fa {
				out = append(out, st.Val)
			}
		}
	}
	return out
}

// field traces field idx of the struct that structPtr points to.
func (t *tracer) field(structPtr ssa.Value, idx int, ptrType types.Type) *Expr {
	st := deref(ptrType)
	s, ok := st.Underlying().(*types.Struct)
	if !ok {
		return unknown("field")
	}
	// A flag bound to this field (flag.StringVar(&cfg.Addr, ...)).
	key := "f:" + typeString(st) + "." + s.Field(idx).Name()
	if f := t.m.flagByKey[key]; f != nil {
		return &Expr{Op: "flag", Flag: f}
	}
	var parts []*Expr
	if key := t.m.viperKeyOfField(structPtr, st, idx); key != "" {
		parts = append(parts, t.m.viperExpr(key))
	}
	if tag := t.m.tagRefFor(structPtr, st, idx); tag != nil {
		parts = append(parts, &Expr{Op: "tag", Tag: tag, Name: tag.describe(), Def: tag.def()})
	}
	var vals []ssa.Value
	for _, target := range t.pointerTargets(structPtr) {
		if alloc, ok := target.(*ssa.Alloc); ok {
			vals = append(vals, fieldStores(alloc, idx)...)
		}
	}
	// Stores to the field through other pointers come after the allocation's own: an option function's
	// closure (func(s *Server) { s.addr = ... }) or a setter changes what the constructor set.
	own := map[ssa.Value]bool{}
	for _, v := range vals {
		own[v] = true
	}
	for _, v := range t.m.stores[key] {
		if !own[v] {
			vals = append(vals, v)
		}
	}
	for i, v := range vals {
		if i >= 8 {
			break
		}
		parts = append(parts, t.value(v))
	}
	for _, sv := range t.m.ctxStores[key] {
		saved := t.stack
		t.stack = append(append([]binding(nil), saved...), sv.ctx...)
		parts = append(parts, t.value(sv.v))
		t.stack = saved
	}
	if len(parts) == 0 {
		return unknown("field " + s.Field(idx).Name())
	}
	return alt(parts...)
}

func funcName(fn *ssa.Function) string {
	if fn == nil {
		return ""
	}
	if obj, ok := fn.Object().(*types.Func); ok && obj != nil {
		return obj.FullName()
	}
	if fn.Origin() != nil {
		return funcName(fn.Origin())
	}
	return fn.String()
}

func calleeName(c *ssa.CallCommon) string {
	if c.IsInvoke() {
		return typeString(c.Value.Type()) + "." + c.Method.Name()
	}
	if fn := c.StaticCallee(); fn != nil {
		return funcName(fn)
	}
	return "dynamic"
}

// pkgPathOf gives the package of a callee, or of an invoked method.
func pkgPathOf(c *ssa.CallCommon) string {
	if c.IsInvoke() {
		if c.Method.Pkg() != nil {
			return c.Method.Pkg().Path()
		}
		return ""
	}
	if fn := c.StaticCallee(); fn != nil {
		if obj := fn.Object(); obj != nil && obj.Pkg() != nil {
			return obj.Pkg().Path()
		}
		if fn.Pkg != nil {
			return fn.Pkg.Pkg.Path()
		}
	}
	return ""
}

// sliceElems gives the values stored into the elements of a slice literal or variadic argument.
func sliceElems(v ssa.Value) []ssa.Value {
	for {
		switch x := v.(type) {
		case *ssa.Slice:
			v = x.X
			continue
		case *ssa.MakeInterface:
			v = x.X
			continue
		}
		break
	}
	alloc, ok := v.(*ssa.Alloc)
	if !ok {
		return nil
	}
	type indexed struct {
		i int64
		v ssa.Value
	}
	var out []indexed
	for _, ref := range *alloc.Referrers() {
		ia, ok := ref.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		i := int64(len(out))
		if c, ok := ia.Index.(*ssa.Const); ok && c.Value != nil {
			i = c.Int64()
		}
		for _, r := range *ia.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Addr == ia {
				out = append(out, indexed{i, st.Val})
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].i < out[b].i })
	vals := make([]ssa.Value, len(out))
	for i, x := range out {
		vals[i] = x.v
	}
	return vals
}

// sprintf evaluates a format with %s, %d and %v verbs over traced arguments.
func (t *tracer) sprintf(format string, args []ssa.Value) *Expr {
	var parts []*Expr
	var b strings.Builder
	ai := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			break
		}
		if b.Len() > 0 {
			parts = append(parts, lit(b.String()))
			b.Reset()
		}
		if ai < len(args) {
			switch format[j] {
			case 's', 'd', 'v', 'q':
				parts = append(parts, t.value(args[ai]))
			default:
				parts = append(parts, unknown("%"+string(format[j])))
			}
		}
		ai++
		i = j
	}
	if b.Len() > 0 {
		parts = append(parts, lit(b.String()))
	}
	return concat(parts...)
}

// callbackArgs: a closure handed to a function (a range-over-func loop body handed to the
// iterator, a visitor) receives what that function calls its parameter with.
func (t *tracer) callbackArgs(fn *ssa.Function, idx int) []incomingValue {
	var out []incomingValue
	for _, mc := range t.m.closures[fn] {
		for _, ref := range *mc.Referrers() {
			site, ok := ref.(ssa.CallInstruction)
			if !ok {
				continue
			}
			common := site.Common()
			for j, a := range common.Args {
				if a != ssa.Value(mc) {
					continue
				}
				var callees []*ssa.Function
				if callee := common.StaticCallee(); callee != nil {
					callees = []*ssa.Function{callee}
				} else {
					callees = t.m.funcsOf(common.Value)
				}
				for _, g := range callees {
					if g.Blocks == nil || j >= len(g.Params) {
						continue
					}
					param := g.Params[j]
					for _, b := range g.Blocks {
						for _, instr := range b.Instrs {
							ci, ok := instr.(ssa.CallInstruction)
							if ok && ci.Common().Value == ssa.Value(param) && idx < len(ci.Common().Args) {
								out = append(out, incomingValue{ci.Common().Args[idx]})
							}
						}
					}
				}
			}
		}
		if len(out) >= 6 {
			break
		}
	}
	return out
}
