package main

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// The calls we recognise, by the full name go/types gives their function
// ("net/http.ListenAndServe", "(*net/http.Server).Serve").

type listenKind int

const (
	addrArg      listenKind = iota // the address is an argument
	serverAddr                     // the address is the receiver's Addr field (http.Server)
	listenerArg                    // the argument is a net.Listener: trace it to its listen call
	variadicAddr                   // gin's Run(addr ...string): PORT or :8080 when none
	toolkitAddr                    // exporter-toolkit web.ListenAndServe: the --web.listen-address flag
	tcpAddrArg                     // net.ListenTCP(network, *TCPAddr): the Port field
	httpsAddr                      // gin-gonic/autotls: :443 (and :80 for the ACME challenge)
)

type listenSpec struct {
	kind listenKind
	arg  int // index into CallCommon.Args (receiver included)
}

var listenCalls = map[string]listenSpec{
	"net.Listen":                                                {addrArg, 1},
	"net.ListenPacket":                                          {addrArg, 1},
	"(*net.ListenConfig).Listen":                                {addrArg, 3},
	"(*net.ListenConfig).ListenPacket":                          {addrArg, 3},
	"net.ListenTCP":                                             {tcpAddrArg, 1},
	"net.ListenUDP":                                             {tcpAddrArg, 1},
	"net/http.ListenAndServe":                                   {addrArg, 0},
	"net/http.ListenAndServeTLS":                                {addrArg, 0},
	"(*net/http.Server).ListenAndServe":                         {serverAddr, 0},
	"(*net/http.Server).ListenAndServeTLS":                      {serverAddr, 0},
	"(*net/http.Server).Serve":                                  {listenerArg, 1},
	"(*net/http.Server).ServeTLS":                               {listenerArg, 1},
	"net/http.Serve":                                            {listenerArg, 0},
	"net/http.ServeTLS":                                         {listenerArg, 0},
	"(*google.golang.org/grpc.Server).Serve":                    {listenerArg, 1},
	"github.com/prometheus/exporter-toolkit/web.ListenAndServe": {toolkitAddr, 0},
	"github.com/prometheus/exporter-toolkit/web.Serve":          {listenerArg, 0},
	"github.com/valyala/fasthttp.ListenAndServe":                {addrArg, 0},
	"(*github.com/valyala/fasthttp.Server).ListenAndServe":      {addrArg, 1},
	"(*github.com/valyala/fasthttp.Server).Serve":               {listenerArg, 1},
	"(*github.com/soheilhy/cmux.cMux).Serve":                    {listenerArg, -1},
	"github.com/gin-gonic/autotls.Run":                          {httpsAddr, 0},
	"github.com/gin-gonic/autotls.RunWithContext":               {httpsAddr, 0},
	"github.com/gin-gonic/autotls.RunWithManager":               {httpsAddr, 0},
	"github.com/gin-gonic/autotls.RunWithManagerAndTLSConfig":   {httpsAddr, 0},
}

// Web frameworks whose Run/Start/Listen method takes the address.
var frameworks = []string{
	"github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/gofiber/fiber",
	"github.com/kataras/iris", "github.com/beego/beego", "github.com/astaxie/beego",
	"github.com/cloudwego/hertz", "github.com/go-martini/martini", "github.com/revel/revel",
	"github.com/gogf/gf", "github.com/savsgio/atreugo", "github.com/go-kratos/kratos",
}

var frameworkMethods = map[string]bool{
	"Run": true, "RunTLS": true, "Start": true, "StartTLS": true, "Listen": true, "ListenTLS": true,
	"ListenAndServe": true, "RunListener": false,
}

func stripMajor(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) > 0 && isMajorVersion(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, "/")
}

func classifyListen(common *ssa.CallCommon) (listenSpec, bool) {
	fn := common.StaticCallee()
	if fn == nil {
		return listenSpec{}, false
	}
	name := funcName(fn)
	if spec, ok := listenCalls[name]; ok {
		return spec, true
	}
	obj, _ := fn.Object().(*types.Func)
	if obj == nil && fn.Origin() != nil {
		obj, _ = fn.Origin().Object().(*types.Func)
	}
	if obj == nil || obj.Pkg() == nil || fn.Signature.Recv() == nil || !frameworkMethods[obj.Name()] {
		return listenSpec{}, false
	}
	pkg := stripMajor(obj.Pkg().Path())
	for _, f := range frameworks {
		if pkg == f || strings.HasPrefix(pkg, f+"/") {
			params := fn.Signature.Params()
			if params.Len() == 0 {
				return listenSpec{}, false
			}
			if params.Len() == 1 && fn.Signature.Variadic() {
				return listenSpec{variadicAddr, 1}, true
			}
			if b, ok := params.At(0).Type().Underlying().(*types.Basic); ok && b.Kind() == types.String {
				return listenSpec{addrArg, 1}, true
			}
		}
	}
	return listenSpec{}, false
}

// Paths read or written at run time: the argument that holds the path.
type pathSpec struct {
	arg      int // index into CallCommon.Args (receiver included); -1: every variadic element of the last
	write    bool
	variadic bool
	strip    string // a URL scheme to drop
	sqlite   bool   // database/sql.Open: only for sqlite drivers
}

var pathCalls = map[string]pathSpec{
	"os.Open":                                  {arg: 0},
	"os.ReadFile":                              {arg: 0},
	"os.ReadDir":                               {arg: 0},
	"os.Stat":                                  {arg: 0},
	"os.Lstat":                                 {arg: 0},
	"os.DirFS":                                 {arg: 0},
	"os.OpenFile":                              {arg: 0},
	"io/ioutil.ReadFile":                       {arg: 0},
	"io/ioutil.ReadDir":                        {arg: 0},
	"path/filepath.Glob":                       {arg: 0},
	"path/filepath.Walk":                       {arg: 0},
	"path/filepath.WalkDir":                    {arg: 0},
	"html/template.ParseFiles":                 {arg: 0, variadic: true},
	"html/template.ParseGlob":                  {arg: 0},
	"(*html/template.Template).ParseFiles":     {arg: 1, variadic: true},
	"(*html/template.Template).ParseGlob":      {arg: 1},
	"text/template.ParseFiles":                 {arg: 0, variadic: true},
	"text/template.ParseGlob":                  {arg: 0},
	"(*text/template.Template).ParseFiles":     {arg: 1, variadic: true},
	"(*text/template.Template).ParseGlob":      {arg: 1},
	"github.com/golang-migrate/migrate/v4.New": {arg: 0, strip: "file://"},
	"github.com/golang-migrate/migrate/v4.NewWithDatabaseInstance": {arg: 0, strip: "file://"},
	"(*github.com/gin-gonic/gin.Engine).LoadHTMLGlob":              {arg: 1},
	"(*github.com/gin-gonic/gin.Engine).LoadHTMLFiles":             {arg: 1, variadic: true},
	"(*github.com/gin-gonic/gin.RouterGroup).Static":               {arg: 2},
	"(*github.com/gin-gonic/gin.RouterGroup).StaticFile":           {arg: 2},
	"(*github.com/labstack/echo/v4.Echo).Static":                   {arg: 2},
	"(*github.com/labstack/echo/v4.Echo).File":                     {arg: 2},
	"(*github.com/gofiber/fiber/v2.App).Static":                    {arg: 2},
	"os.Mkdir":                        {arg: 0, write: true},
	"os.MkdirAll":                     {arg: 0, write: true},
	"os.Create":                       {arg: 0, write: true},
	"os.WriteFile":                    {arg: 0, write: true},
	"io/ioutil.WriteFile":             {arg: 0, write: true},
	"os.MkdirTemp":                    {arg: 0, write: true},
	"os.CreateTemp":                   {arg: 0, write: true},
	"database/sql.Open":               {arg: 1, write: true, sqlite: true},
	"gorm.io/driver/sqlite.Open":      {arg: 0, write: true, strip: "file:"},
	"github.com/glebarez/sqlite.Open": {arg: 0, write: true, strip: "file:"},
	"go.etcd.io/bbolt.Open":           {arg: 0, write: true},
	"github.com/boltdb/bolt.Open":     {arg: 0, write: true},
	"github.com/syndtr/goleveldb/leveldb.OpenFile": {arg: 0, write: true},
}

func classifyPath(common *ssa.CallCommon) (pathSpec, string, bool) {
	fn := common.StaticCallee()
	if fn == nil {
		return pathSpec{}, "", false
	}
	name := funcName(fn)
	if spec, ok := pathCalls[name]; ok {
		return spec, name, true
	}
	// pressly/goose: every function with a "dir" parameter (Up, UpTo, Down, Status, ...).
	if obj := fn.Object(); obj != nil && obj.Pkg() != nil && strings.HasPrefix(obj.Pkg().Path(), "github.com/pressly/goose") {
		if i := paramIndex(fn.Signature, "dir"); i >= 0 {
			if fn.Signature.Recv() != nil {
				i++
			}
			return pathSpec{arg: i}, name, true
		}
	}
	if strings.HasPrefix(name, "github.com/dgraph-io/badger") && strings.HasSuffix(name, ".DefaultOptions") {
		return pathSpec{arg: 0, write: true}, name, true
	}
	return pathSpec{}, "", false
}

// knownCall evaluates calls of the standard library and of flag and configuration libraries
// that the tracer understands; nil means "not one of those".
func (m *mainAnalysis) knownCall(t *tracer, c *ssa.Call, callee *ssa.Function) *Expr {
	if callee == nil {
		return nil
	}
	common := c.Common()
	args := common.Args
	name := funcName(callee)
	switch name {
	case "os.Getenv":
		return envRef(t.value(args[0]).eval(nil), nil)
	case "fmt.Sprintf":
		return t.sprintf(t.value(args[0]).eval(nil), sliceElems(args[1]))
	case "fmt.Sprint":
		var parts []*Expr
		for _, e := range sliceElems(args[0]) {
			parts = append(parts, t.value(e))
		}
		return concat(parts...)
	case "net.JoinHostPort":
		return concat(t.value(args[0]), lit(":"), t.value(args[1]))
	case "strconv.Itoa", "strconv.FormatInt", "strconv.FormatUint", "strings.TrimSpace", "path/filepath.Clean",
		"path.Clean", "path/filepath.Abs", "path/filepath.FromSlash", "path/filepath.ToSlash", "strconv.Atoi",
		"strconv.ParseInt", "strconv.ParseUint", "os.ExpandEnv", "strings.ToLower":
		return t.value(args[0])
	case "strings.TrimPrefix":
		v := t.value(args[0])
		if v.Op == "lit" {
			return lit(strings.TrimPrefix(v.Lit, t.value(args[1]).eval(nil)))
		}
		return v
	case "path/filepath.Join", "path.Join":
		var parts []*Expr
		for _, e := range sliceElems(args[0]) {
			parts = append(parts, t.value(e))
		}
		return &Expr{Op: "join", Args: parts}
	case "path/filepath.Dir", "path.Dir":
		return &Expr{Op: "dir", Args: []*Expr{t.value(args[0])}}
	case "os.Executable":
		return &Expr{Op: "exe"}
	case "os.Getwd":
		return lit(".")
	case "os.UserHomeDir":
		return lit("$HOME")
	case "os.TempDir":
		return lit("/tmp")
	case "cmp.Or":
		var parts []*Expr
		for _, e := range sliceElems(args[0]) {
			parts = append(parts, t.value(e))
		}
		return alt(parts...)
	}
	pkg := pkgPathOf(common)
	method := callee.Name()
	switch library(pkg) {
	case "pflag":
		if strings.HasPrefix(method, "Get") && len(args) == 2 {
			if f := m.flagByName(t.value(args[1]).eval(nil)); f != nil {
				return &Expr{Op: "flag", Flag: f}
			}
		}
	case "urfave/cli":
		if callee.Signature.Recv() != nil && len(args) == 2 && paramIndex(callee.Signature, "name") == 0 &&
			!strings.Contains(method, "Set") && method != "Lookup" && method != "Command" {
			if f := m.flagByName(t.value(args[1]).eval(nil)); f != nil {
				return &Expr{Op: "flag", Flag: f}
			}
		}
	case "viper":
		if strings.HasPrefix(method, "Get") && len(args) >= 1 {
			key := args[len(args)-1]
			return m.viperExpr(t.value(key).eval(nil))
		}
	}
	return nil
}

func (m *mainAnalysis) flagByName(name string) *flagDef {
	if name == "" {
		return nil
	}
	for _, f := range m.flags {
		if f.Name == name {
			return f
		}
	}
	for _, f := range m.flags {
		if f.Shorthand == name {
			return f
		}
	}
	return nil
}
