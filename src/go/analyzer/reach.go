package main

import (
	"go/types"
	"sort"

	"golang.org/x/tools/go/ssa"
)

// Reachability is a rapid-type-analysis-like walk of the SSA call graph of the module's own code:
// static calls are followed; a function used as a value (a callback handed to a library, a
// goroutine, a cobra RunE) counts as reachable; a value converted to an interface makes its
// methods reachable (a library may call them: ServeHTTP); an interface method call reaches every
// module method of that name whose type implements the interface (class hierarchy analysis).
// Dependencies have no bodies here, so calls into them are leaves, recognised by name.

type reacher struct {
	p        *program
	types    []types.Type // module named types and their pointers, for interface calls
	invCache map[string][]*ssa.Function
	// dynamic resolves a call through a function value (a parameter, a captured variable) to
	// the functions it may hold; set once the per-main indexes exist.
	dynamic func(v ssa.Value) []*ssa.Function
}

func newReacher(p *program) *reacher {
	r := &reacher{p: p, invCache: map[string][]*ssa.Function{}}
	var paths []string
	for path := range p.inModule {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		pkg := p.pkgs[path]
		if pkg == nil || pkg.Types == nil {
			continue
		}
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			named, ok := tn.Type().(*types.Named)
			if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
				continue
			}
			r.types = append(r.types, named, types.NewPointer(named))
		}
	}
	return r
}

// methodsOf returns the module's method bodies of t's method set.
func (r *reacher) methodsOf(t types.Type) []*ssa.Function {
	var out []*ssa.Function
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		if _, isPtr := t.(*types.Pointer); isPtr && tt != t {
			continue
		}
		ms := r.p.prog.MethodSets.MethodSet(tt)
		for i := 0; i < ms.Len(); i++ {
			fn := r.p.prog.MethodValue(ms.At(i))
			if fn != nil && fn.Blocks != nil {
				out = append(out, fn)
			}
		}
	}
	return out
}

func (r *reacher) implementations(call *ssa.CallCommon) []*ssa.Function {
	iface, _ := call.Value.Type().Underlying().(*types.Interface)
	if iface == nil {
		return nil
	}
	key := call.Value.Type().String() + "." + call.Method.Name()
	if fns, ok := r.invCache[key]; ok {
		return fns
	}
	var fns []*ssa.Function
	for _, t := range r.types {
		if !types.Implements(t, iface) {
			continue
		}
		ms := r.p.prog.MethodSets.MethodSet(t)
		sel := ms.Lookup(call.Method.Pkg(), call.Method.Name())
		if sel == nil {
			continue
		}
		if fn := r.p.prog.MethodValue(sel); fn != nil && fn.Blocks != nil {
			fns = append(fns, fn)
		}
	}
	r.invCache[key] = fns
	return fns
}

// reach returns the set of functions with bodies reachable from roots.
func (r *reacher) reach(roots []*ssa.Function) map[*ssa.Function]bool {
	seen := map[*ssa.Function]bool{}
	var queue []*ssa.Function
	add := func(fn *ssa.Function) {
		if fn == nil || seen[fn] || fn.Blocks == nil {
			return
		}
		seen[fn] = true
		queue = append(queue, fn)
	}
	madeIface := map[types.Type]bool{}
	for _, fn := range roots {
		add(fn)
	}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if c, ok := instr.(ssa.CallInstruction); ok {
					common := c.Common()
					if callee := common.StaticCallee(); callee != nil {
						add(callee)
					} else if common.IsInvoke() {
						for _, impl := range r.implementations(common) {
							add(impl)
						}
					} else if r.dynamic != nil {
						for _, f := range r.dynamic(common.Value) {
							add(f)
						}
					}
				}
				if mi, ok := instr.(*ssa.MakeInterface); ok {
					t := mi.X.Type()
					if !madeIface[t] {
						madeIface[t] = true
						for _, m := range r.methodsOf(t) {
							add(m)
						}
					}
				}
				var ops [256]*ssa.Value
				for _, op := range instr.Operands(ops[:0]) {
					if op == nil || *op == nil {
						continue
					}
					if f, ok := (*op).(*ssa.Function); ok {
						add(f)
					}
				}
			}
		}
	}
	return seen
}

// sortedFuncs returns a set of functions in a stable order.
func sortedFuncs(set map[*ssa.Function]bool) []*ssa.Function {
	out := make([]*ssa.Function, 0, len(set))
	for fn := range set {
		out = append(out, fn)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pos() != out[j].Pos() {
			return out[i].Pos() < out[j].Pos()
		}
		return out[i].String() < out[j].String()
	})
	return out
}
