package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
)

// Options says what to analyze.
type Options struct {
	Dir      string
	Tags     []string
	GOOS     string
	Patterns []string
	Logf     func(format string, args ...any)
}

// program is everything loaded once and shared by the analyses of every main package.
type program struct {
	opts      Options
	fset      *token.FileSet
	prog      *ssa.Program
	pkgs      map[string]*packages.Package // by import path, whole graph
	ssaPkgs   map[*packages.Package]*ssa.Package
	inModule  map[string]bool // import paths whose bodies we analyze
	goroot    string
	modcache  string
	moduleDir string
	illTyped  []*packages.Package // module packages that did not type-check: not analyzed
}

func goEnv(dir string, env []string, names ...string) []string {
	cmd := exec.Command("go", append([]string{"env"}, names...)...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return make([]string, len(names))
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for len(lines) < len(names) {
		lines = append(lines, "")
	}
	return lines
}

// Analyze loads the packages and reports on every package main among them.
func Analyze(opts Options) *Report {
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.GOOS == "" {
		opts.GOOS = "linux"
	}
	report := &Report{Analyzer: "projen-go-service/analyzer", Schema: schemaVersion, GOOS: opts.GOOS,
		Tags: nonNil(opts.Tags), Patterns: opts.Patterns, Mains: []*Main{}, Errors: []string{}}
	env := append(os.Environ(), "GOOS="+opts.GOOS)
	ge := goEnv(opts.Dir, env, "GOROOT", "GOMODCACHE", "GOMOD")
	p := &program{opts: opts, fset: token.NewFileSet(), pkgs: map[string]*packages.Package{},
		ssaPkgs: map[*packages.Package]*ssa.Package{}, inModule: map[string]bool{},
		goroot: ge[0], modcache: ge[1], moduleDir: opts.Dir}
	if ge[2] != "" && ge[2] != os.DevNull {
		p.moduleDir = filepath.Dir(ge[2])
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedDeps | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedModule,
		Dir:       opts.Dir,
		Env:       env,
		Fset:      p.fset,
		ParseFile: p.parseFile,
	}
	if len(opts.Tags) > 0 {
		cfg.BuildFlags = []string{"-tags=" + strings.Join(opts.Tags, ",")}
	}
	roots, err := packages.Load(cfg, opts.Patterns...)
	opts.Logf("loaded and type-checked packages")
	if err != nil {
		report.Errors = append(report.Errors, "load: "+err.Error())
		return report
	}
	packages.Visit(roots, nil, func(pkg *packages.Package) {
		p.pkgs[pkg.PkgPath] = pkg
		if pkg.Module != nil && pkg.Module.Main && !p.stripped(firstFile(pkg)) {
			p.inModule[pkg.PkgPath] = true
		}
	})
	for _, r := range roots {
		if r.Module != nil && report.Module == "" {
			report.Module = r.Module.Path
		}
	}
	p.buildSSA(report)
	opts.Logf("built SSA")
	// Dependencies' syntax and type information are no longer needed (only the declarations of
	// packages named for versions are read again): let the collector have them.
	for _, pkg := range p.pkgs {
		if p.inModule[pkg.PkgPath] || (pkg.Module != nil && pkg.Module.Main) {
			continue
		}
		switch pkg.Name {
		case "version", "buildinfo", "build", "versioninfo":
			continue
		}
		pkg.Syntax, pkg.TypesInfo = nil, nil
	}
	var mains []*packages.Package
	for _, r := range roots {
		if r.Name == "main" && p.inModule[r.PkgPath] {
			mains = append(mains, r)
		}
		for _, e := range r.Errors {
			report.Errors = append(report.Errors, r.PkgPath+": "+e.Error())
		}
	}
	sort.Slice(mains, func(i, j int) bool { return mains[i].PkgPath < mains[j].PkgPath })
	for _, m := range mains {
		report.Mains = append(report.Mains, p.safeAnalyzeMain(m))
		opts.Logf("analyzed %s", m.PkgPath)
	}
	for i, e := range report.Errors {
		report.Errors[i] = p.relErr(e)
	}
	report.Errors = sortedUnique(report.Errors)
	return report
}

func firstFile(pkg *packages.Package) string {
	if len(pkg.CompiledGoFiles) > 0 {
		return pkg.CompiledGoFiles[0]
	}
	if len(pkg.GoFiles) > 0 {
		return pkg.GoFiles[0]
	}
	return ""
}

// stripped says whether a file is a dependency's (standard library, module cache or vendor/),
// whose function bodies we drop before type-checking: declarations are all we need there.
func (p *program) stripped(filename string) bool {
	if filename == "" {
		return true
	}
	under := func(dir string) bool {
		return dir != "" && strings.HasPrefix(filename, dir+string(filepath.Separator))
	}
	if under(p.goroot) || under(p.modcache) {
		return true
	}
	if strings.Contains(filename, string(filepath.Separator)+"vendor"+string(filepath.Separator)) {
		return true
	}
	// Files of the go build cache (cgo output) belong to whichever package they come from.
	return false
}

func (p *program) parseFile(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	mode := parser.AllErrors | parser.ParseComments
	strip := p.stripped(filename)
	if strip {
		mode = parser.SkipObjectResolution
	}
	f, err := parser.ParseFile(fset, filename, src, mode)
	if f != nil && strip {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				fd.Body = nil
			}
		}
	}
	return f, err
}

// buildSSA creates SSA packages for the whole graph, with bodies only for module packages that
// type-check; the others keep their types (calls into them are leaves).
func (p *program) buildSSA(report *Report) {
	p.prog = ssa.NewProgram(p.fset, ssa.InstantiateGenerics|ssa.BuildSerially)
	created := map[*types.Package]bool{}
	var all []*packages.Package
	for _, pkg := range p.pkgs {
		all = append(all, pkg)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].PkgPath < all[j].PkgPath })
	var partial []*ssa.Package
	for _, pkg := range all {
		if pkg.Types == nil {
			continue
		}
		switch {
		case p.inModule[pkg.PkgPath] && len(pkg.Errors) == 0:
			p.ssaPkgs[pkg] = p.prog.CreatePackage(pkg.Types, pkg.Syntax, pkg.TypesInfo, true)
		case p.inModule[pkg.PkgPath] && pkg.TypesInfo != nil && len(pkg.Syntax) > 0:
			// It does not type-check (a generated file is missing, a build tag is needed):
			// build what can be built, the rest is reported as not analyzed.
			dropErroneous(pkg)
			p.ssaPkgs[pkg] = p.prog.CreatePackage(pkg.Types, pkg.Syntax, pkg.TypesInfo, true)
			partial = append(partial, p.ssaPkgs[pkg])
			p.illTyped = append(p.illTyped, pkg)
		default:
			p.ssaPkgs[pkg] = p.prog.CreatePackage(pkg.Types, nil, nil, true)
		}
		created[pkg.Types] = true
	}
	var createAll func([]*types.Package)
	createAll = func(ps []*types.Package) {
		for _, tp := range ps {
			if !created[tp] {
				created[tp] = true
				p.prog.CreatePackage(tp, nil, nil, true)
				createAll(tp.Imports())
			}
		}
	}
	for _, pkg := range all {
		if pkg.Types != nil {
			createAll(pkg.Types.Imports())
		}
	}
	// Well-typed packages first, serially, so that a panic in a package that does not
	// type-check is caught here and costs that package only.
	isPartial := map[*ssa.Package]bool{}
	for _, sp := range partial {
		isPartial[sp] = true
	}
	var order []*ssa.Package
	for _, pkg := range all {
		if sp := p.ssaPkgs[pkg]; sp != nil && !isPartial[sp] {
			order = append(order, sp)
		}
	}
	order = append(order, partial...)
	for _, sp := range order {
		func() {
			defer func() {
				if r := recover(); r != nil {
					report.Errors = append(report.Errors, fmt.Sprintf("%s: building SSA failed: %v", sp.Pkg.Path(), r))
				}
			}()
			sp.Build()
		}()
	}
}

// pos renders a position as file:line, relative to the module directory, or to the module
// cache or GOROOT for dependencies.
func (p *program) pos(pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	position := p.fset.Position(pos)
	name := position.Filename
	if rel, err := filepath.Rel(p.moduleDir, name); err == nil && !strings.HasPrefix(rel, "..") {
		name = filepath.ToSlash(rel)
	} else if p.modcache != "" && strings.HasPrefix(name, p.modcache+string(filepath.Separator)) {
		name = "$GOMODCACHE/" + filepath.ToSlash(name[len(p.modcache)+1:])
	} else if p.goroot != "" && strings.HasPrefix(name, p.goroot+string(filepath.Separator)) {
		name = "$GOROOT/" + filepath.ToSlash(name[len(p.goroot)+1:])
	}
	return fmt.Sprintf("%s:%d", name, position.Line)
}

func (p *program) relDir(pkg *packages.Package) string {
	f := firstFile(pkg)
	if f == "" {
		return ""
	}
	rel, err := filepath.Rel(p.moduleDir, filepath.Dir(f))
	if err != nil {
		return filepath.Dir(f)
	}
	return filepath.ToSlash(rel)
}

func binaryName(pkgPath string) string {
	parts := strings.Split(pkgPath, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		if !isMajorVersion(parts[i]) || i == 0 {
			return parts[i]
		}
	}
	return path.Base(pkgPath)
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func sortedUnique(s []string) []string {
	sort.Strings(s)
	out := []string{}
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// safeAnalyzeMain turns a panic (SSA of code that does not type-check) into an error entry.
func (p *program) safeAnalyzeMain(pkg *packages.Package) (out *Main) {
	defer func() {
		if r := recover(); r != nil {
			out = &Main{Package: pkg.PkgPath, Dir: p.relDir(pkg), Binary: binaryName(pkg.PkgPath),
				Server: Server{How: "not analyzed", Calls: []*ListenCall{}}, Listen: []*Listen{}, Flags: []*Flag{},
				Subcommands: []*Subcommand{}, DefaultArgs: []string{}, RuntimePaths: []*PathUse{},
				WritePaths: []*PathUse{}, VersionVariables: []*VersionVariable{}, Cgo: []*CgoPackage{},
				Errors: []string{fmt.Sprintf("analysis failed: %v", r)}}
		}
	}()
	return p.analyzeMain(pkg)
}

// dropErroneous makes a package that does not type-check buildable: a statement with a type error
// is dropped, and so is every later statement that uses what it declared; a function whose
// signature has one loses its body (calls to it become leaves); a package variable whose
// initializer has one is left uninitialized. Everything else is analyzed as usual.
func dropErroneous(pkg *packages.Package) {
	var bad []token.Pos
	for _, e := range pkg.TypeErrors {
		bad = append(bad, e.Pos)
	}
	if len(bad) == 0 || pkg.TypesInfo == nil {
		return
	}
	contains := func(n ast.Node) bool {
		for _, pos := range bad {
			if n.Pos() <= pos && pos < n.End() {
				return true
			}
		}
		return false
	}
	info := pkg.TypesInfo
	dropped := map[types.Object]bool{}
	uses := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(x ast.Node) bool {
			if id, ok := x.(*ast.Ident); ok && dropped[info.Uses[id]] {
				found = true
			}
			return !found
		})
		return found
	}
	// nestedBlockHasError says whether the error is inside a block nested in stmt, so that the
	// statement to drop is further in.
	nestedBlockHasError := func(stmt ast.Stmt) bool {
		found := false
		ast.Inspect(stmt, func(x ast.Node) bool {
			if found || x == nil || x == ast.Node(stmt) {
				return !found
			}
			switch b := x.(type) {
			case *ast.BlockStmt:
				if contains(b) {
					found = true
				}
			case *ast.CaseClause:
				for _, st := range b.Body {
					if contains(st) {
						found = true
					}
				}
			case *ast.CommClause:
				for _, st := range b.Body {
					if contains(st) {
						found = true
					}
				}
			}
			return !found
		})
		return found
	}
	filter := func(list []ast.Stmt) []ast.Stmt {
		var out []ast.Stmt
		for _, st := range list {
			if (contains(st) && !nestedBlockHasError(st)) || uses(st) {
				ast.Inspect(st, func(x ast.Node) bool {
					if id, ok := x.(*ast.Ident); ok && info.Defs[id] != nil {
						dropped[info.Defs[id]] = true
					}
					return true
				})
				continue
			}
			out = append(out, st)
		}
		return out
	}
	for _, f := range pkg.Syntax {
		if !contains(f) {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || !contains(fd) {
				continue
			}
			if !contains(fd.Body) {
				fd.Body = nil // the error is in the signature
				continue
			}
			for i := 0; i < 3; i++ { // later uses of dropped declarations, to a fixed point
				ast.Inspect(fd.Body, func(x ast.Node) bool {
					switch b := x.(type) {
					case *ast.BlockStmt:
						b.List = filter(b.List)
					case *ast.CaseClause:
						b.Body = filter(b.Body)
					case *ast.CommClause:
						b.Body = filter(b.Body)
					}
					return true
				})
			}
		}
	}
	var keep []*types.Initializer
	for _, init := range info.InitOrder {
		if !contains(init.Rhs) {
			keep = append(keep, init)
		}
	}
	info.InitOrder = keep
}

// relErr writes the file names in an error message relative to the module, like positions.
func (p *program) relErr(s string) string {
	s = strings.ReplaceAll(s, p.moduleDir+string(filepath.Separator), "")
	if p.modcache != "" {
		s = strings.ReplaceAll(s, p.modcache+string(filepath.Separator), "$GOMODCACHE/")
	}
	return s
}
