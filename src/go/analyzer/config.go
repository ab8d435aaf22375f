package main

import (
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"unicode"

	"golang.org/x/tools/go/ssa"
)

// Struct-tag configuration: envconfig (`envconfig:"PORT" default:"8080"`), caarlos0/env
// (`env:"PORT" envDefault:"8080"`), ardanlabs/conf (`conf:"default:...,env:..."`) and configor
// (`default:"80"`, env PREFIX_PATH_FIELD), read when the program loads such a field.

type tagRef struct {
	Struct  string // the struct type
	Field   string // Go field path, e.g. Server.Port
	Env     string
	Default string
	HasDef  bool
	Flag    string
	Library string
	Pos     token.Pos
}

func (t *tagRef) key() string { return t.Struct + "." + t.Field }

func (t *tagRef) describe() string {
	s := t.Field
	if t.Env != "" {
		s += ", env " + t.Env
	}
	if t.Flag != "" {
		s += ", flag --" + t.Flag
	}
	return s
}

func (t *tagRef) def() *Expr {
	if !t.HasDef {
		return nil
	}
	return lit(t.Default)
}

func upperSnake(name string) string {
	var b strings.Builder
	r := []rune(name)
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(c))
	}
	return b.String()
}

// tagRefFor describes field idx of the struct that ptr points to, if its tags configure it.
func (m *mainAnalysis) tagRefFor(ptr ssa.Value, st types.Type, idx int) *tagRef {
	s, ok := st.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	tag := reflect.StructTag(s.Tag(idx))
	f := s.Field(idx)
	// The chain of enclosing fields (cfg.Server.Port): their names and tags.
	type level struct {
		name string
		tag  reflect.StructTag
	}
	var outer []level
	root := st
	x := ptr
	for depth := 0; depth < 6; depth++ {
		fa, ok := x.(*ssa.FieldAddr)
		if !ok {
			break
		}
		ps, ok := deref(fa.X.Type()).Underlying().(*types.Struct)
		if !ok {
			break
		}
		outer = append([]level{{ps.Field(fa.Field).Name(), reflect.StructTag(ps.Tag(fa.Field))}}, outer...)
		root = deref(fa.X.Type())
		x = fa.X
	}
	path := []string{}
	for _, l := range outer {
		path = append(path, l.name)
	}
	path = append(path, f.Name())
	ref := &tagRef{Struct: typeString(root), Field: strings.Join(path, "."), Pos: f.Pos()}
	prefix, hasPrefix := m.envPrefix[typeString(root)]
	switch {
	case tag.Get("envconfig") != "" || (m.imports("github.com/kelseyhightower/envconfig") && (tag.Get("default") != "" || tag.Get("split_words") != "")):
		ref.Library = "envconfig"
		key := strings.Split(tag.Get("envconfig"), ",")[0]
		if key == "" {
			if tag.Get("split_words") == "true" {
				key = upperSnake(f.Name())
			} else {
				key = strings.ToUpper(f.Name())
			}
		}
		parts := []string{}
		for _, l := range outer {
			k := strings.Split(l.tag.Get("envconfig"), ",")[0]
			if k == "" {
				k = l.name
			}
			parts = append(parts, strings.ToUpper(k))
		}
		parts = append(parts, strings.ToUpper(key))
		ref.Env = strings.Join(parts, "_")
		if hasPrefix && prefix != "" {
			ref.Env = strings.ToUpper(prefix) + "_" + ref.Env
		}
		ref.Default, ref.HasDef = tag.Lookup("default")
	case tag.Get("long") != "" || tag.Get("short") != "":
		// jessevdk/go-flags: long:"port" env:"PORT" default:"4181".
		ref.Library = "go-flags"
		ref.Flag = tag.Get("long")
		ns := ""
		for _, l := range outer {
			if g := l.tag.Get("namespace"); g != "" {
				ns += g + l.tag.Get("namespace-delimiter")
				if l.tag.Get("namespace-delimiter") == "" {
					ns += "."
				}
			}
		}
		if ref.Flag != "" {
			ref.Flag = ns + ref.Flag
		}
		ref.Env = tag.Get("env")
		if ref.Env != "" {
			envNS := ""
			for _, l := range outer {
				if ns := l.tag.Get("env-namespace"); ns != "" {
					envNS += ns + "_"
				}
			}
			ref.Env = envNS + ref.Env
		}
		ref.Default, ref.HasDef = tag.Lookup("default")
	case tag.Get("env") != "" || tag.Get("envDefault") != "":
		// caarlos0/env: env:"PORT" envDefault:"8080", envPrefix:"HTTP_" on the parent;
		// sethvargo/go-envconfig: env:"PORT,default=8080", env:",prefix=HTTP_" on the parent.
		ref.Library = "caarlos0/env"
		sethvargo := m.imports("github.com/sethvargo/go-envconfig")
		if sethvargo {
			ref.Library = "sethvargo/go-envconfig"
		}
		opts := strings.Split(tag.Get("env"), ",")
		name := opts[0]
		p := ""
		for _, l := range outer {
			p += l.tag.Get("envPrefix")
			for _, o := range strings.Split(l.tag.Get("env"), ",")[1:] {
				if v, ok := strings.CutPrefix(o, "prefix="); ok {
					p += v
				}
			}
		}
		if sethvargo {
			p = m.sethvargoPrefix + p
		}
		if name != "" {
			ref.Env = p + name
		}
		ref.Default, ref.HasDef = tag.Lookup("envDefault")
		for _, o := range opts[1:] {
			if v, ok := strings.CutPrefix(o, "default="); ok && !ref.HasDef {
				ref.Default, ref.HasDef = v, true
			}
		}
		if !ref.HasDef {
			ref.Default, ref.HasDef = tag.Lookup("default")
		}
	case tag.Get("conf") != "":
		ref.Library = "ardanlabs/conf"
		parts := []string{}
		for _, l := range outer {
			parts = append(parts, l.name)
		}
		parts = append(parts, f.Name())
		var env, flag []string
		for _, p := range parts {
			env = append(env, upperSnake(p))
			flag = append(flag, strings.ToLower(strings.ReplaceAll(upperSnake(p), "_", "-")))
		}
		ref.Env = strings.Join(env, "_")
		ref.Flag = strings.Join(flag, "-")
		for _, opt := range splitConf(tag.Get("conf")) {
			k, v, _ := strings.Cut(opt, ":")
			switch k {
			case "default":
				ref.Default, ref.HasDef = v, true
			case "env":
				ref.Env = v
			case "flag":
				ref.Flag = v
			}
		}
		if hasPrefix && prefix != "" {
			ref.Env = strings.ToUpper(prefix) + "_" + ref.Env
		}
	case tag.Get("default") != "" && m.imports("github.com/jinzhu/configor"):
		ref.Library = "configor"
		parts := []string{}
		if p := m.configorPrefix(); p != "" {
			parts = append(parts, p)
		}
		for _, l := range outer {
			parts = append(parts, strings.ToUpper(l.name))
		}
		parts = append(parts, strings.ToUpper(f.Name()))
		ref.Env = strings.Join(parts, "_")
		if e := tag.Get("env"); e != "" {
			ref.Env = e
		}
		ref.Default, ref.HasDef = tag.Lookup("default")
	case tag.Get("flag") != "":
		// flag:"http-address" on an options struct filled from pflag (oauth2-proxy's style).
		ref.Library = "flag-tag"
		ref.Flag = strings.Split(tag.Get("flag"), ",")[0]
		ref.Default, ref.HasDef = tag.Lookup("default")
		// Its configuration key (cfg:"http_address"), read from the environment by viper's
		// AutomaticEnv under the env prefix.
		if key := strings.Split(tag.Get("cfg"), ",")[0]; key != "" && m.viperAuto {
			ref.Env = strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
			if m.viperPrefix != "" {
				ref.Env = strings.ToUpper(m.viperPrefix) + "_" + ref.Env
			}
		}
	case tag.Get("default") != "":
		ref.Library = "default-tag"
		ref.Default, ref.HasDef = tag.Lookup("default")
	default:
		return nil
	}
	return ref
}

// splitConf splits ardanlabs/conf's comma-separated options, where a default may hold commas
// only if it is the last option.
func splitConf(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if k, _, ok := strings.Cut(p, ":"); ok && (k == "default" || k == "env" || k == "flag" || k == "short" || k == "help" || k == "mask" || k == "noprint" || k == "required") {
			out = append(out, p)
		} else if len(out) > 0 && strings.HasPrefix(out[len(out)-1], "default:") {
			out[len(out)-1] += "," + p
		} else {
			out = append(out, p)
		}
	}
	return out
}

func (m *mainAnalysis) configorPrefix() string {
	for _, v := range m.stores["f:github.com/jinzhu/configor.Config.ENVPrefix"] {
		if s := m.str(v); s != "" {
			return s
		}
	}
	return "CONFIGOR"
}

// imports says whether main's import graph has the package.
func (m *mainAnalysis) imports(path string) bool { return m.deps[path] }

// Viper: GetString("key") is a flag bound with BindPFlag, an environment variable bound with
// BindEnv or AutomaticEnv, and a default from SetDefault.
type viperKey struct {
	flag string
	env  []string
	def  *Expr
}

func (m *mainAnalysis) viperCall(c *ssa.Call, name string) {
	common := c.Common()
	args := common.Args
	if common.StaticCallee().Signature.Recv() != nil {
		args = args[1:]
	}
	get := func(key string) *viperKey {
		key = strings.ToLower(key)
		if m.viper[key] == nil {
			m.viper[key] = &viperKey{}
		}
		return m.viper[key]
	}
	switch name {
	case "BindPFlag":
		if len(args) == 2 {
			key := m.str(args[0])
			if call, ok := args[1].(*ssa.Call); ok && call.Common().StaticCallee() != nil && call.Common().StaticCallee().Name() == "Lookup" && len(call.Common().Args) == 2 {
				get(key).flag = m.str(call.Common().Args[1])
			}
		}
	case "BindEnv":
		if len(args) == 1 {
			elems := sliceElems(args[0])
			if len(elems) == 1 {
				k := m.str(elems[0])
				get(k).env = append(get(k).env, "{auto}")
			} else if len(elems) > 1 {
				k := m.str(elems[0])
				for _, e := range elems[1:] {
					get(k).env = append(get(k).env, m.str(e))
				}
			}
		}
	case "SetDefault":
		if len(args) == 2 {
			get(m.str(args[0])).def = m.trace(args[1])
		}
	case "SetEnvPrefix":
		if len(args) == 1 {
			m.viperPrefix = m.str(args[0])
		}
	case "AutomaticEnv":
		m.viperAuto = true
	case "BindPFlags":
		m.viperAllFlags = true
	case "Unmarshal", "UnmarshalExact":
		m.viperUnmarshal = true
		if len(args) > 0 {
			if mi, ok := args[0].(*ssa.MakeInterface); ok {
				if st, ok := deref(mi.X.Type()).Underlying().(*types.Struct); ok {
					for i := 0; i < st.NumFields(); i++ {
						if reflect.StructTag(st.Tag(i)).Get("mapstructure") != "" {
							m.anyMapstructure = true
						}
					}
				}
			}
		}
	}
}

func (m *mainAnalysis) viperExpr(key string) *Expr {
	k := m.viper[strings.ToLower(key)]
	autoName := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
	if m.viperPrefix != "" {
		autoName = strings.ToUpper(m.viperPrefix) + "_" + autoName
	}
	var def *Expr
	var parts []*Expr
	if (k == nil || k.flag == "") && m.viperAllFlags {
		if f := m.flagByName(key); f != nil {
			if k == nil {
				k = &viperKey{}
			}
			k = &viperKey{flag: key, env: k.env, def: k.def}
		}
	}
	if k != nil {
		def = k.def
		if k.flag != "" {
			if f := m.flagByName(k.flag); f != nil {
				parts = append(parts, &Expr{Op: "flag", Flag: f})
				if def == nil {
					def = f.Default
				}
			}
		}
		for _, e := range k.env {
			if e == "{auto}" {
				e = autoName
			}
			parts = append(parts, envRef(e, def))
		}
	}
	if m.viperAuto && (k == nil || len(k.env) == 0) {
		parts = append(parts, envRef(autoName, def))
	}
	if len(parts) == 0 {
		return &Expr{Op: "viper", Name: key, Def: def}
	}
	if def != nil {
		parts = append(parts, def)
	}
	return alt(parts...)
}

// viperEnvOf names the variable viper's AutomaticEnv reads for a flag bound to a key, if any.
func (m *mainAnalysis) viperEnvOf(f *flagDef) string {
	if !m.viperAuto || f.Library != "pflag" {
		return ""
	}
	key := ""
	for k, v := range m.viper {
		if v.flag == f.Name && (key == "" || k < key) {
			key = k
		}
	}
	if key == "" && m.viperAllFlags {
		key = f.Name
	}
	if key == "" {
		return ""
	}
	name := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
	if m.viperPrefix != "" {
		name = strings.ToUpper(m.viperPrefix) + "_" + name
	}
	return name
}

// viperKeyOfField: a field that viper.Unmarshal fills is the viper key made of the mapstructure
// tags (or the lower-cased names) of the fields leading to it, joined by dots.
func (m *mainAnalysis) viperKeyOfField(ptr ssa.Value, st types.Type, idx int) string {
	if !m.viperUnmarshal {
		return ""
	}
	s, ok := st.Underlying().(*types.Struct)
	if !ok {
		return ""
	}
	name := func(s *types.Struct, i int) string {
		k := strings.Split(reflect.StructTag(s.Tag(i)).Get("mapstructure"), ",")[0]
		if k == "-" {
			return ""
		}
		if k == "" {
			k = strings.ToLower(s.Field(i).Name())
		}
		return k
	}
	key := name(s, idx)
	if key == "" || reflect.StructTag(s.Tag(idx)).Get("mapstructure") == "" && !m.anyMapstructure {
		return ""
	}
	x := ptr
	for depth := 0; depth < 6; depth++ {
		fa, ok := x.(*ssa.FieldAddr)
		if !ok {
			break
		}
		ps, ok := deref(fa.X.Type()).Underlying().(*types.Struct)
		if !ok {
			break
		}
		if reflect.StructTag(ps.Tag(fa.Field)).Get("mapstructure") == ",squash" {
			x = fa.X
			continue
		}
		key = name(ps, fa.Field) + "." + key
		x = fa.X
	}
	return key
}
