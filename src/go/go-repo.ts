import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, sep } from 'path';
import { closure, GoListing, GoPackage, listGoPackages } from './go-graph';

/**
 * What `adopt` reads from an existing Go repository. It asks the Go toolchain which packages are
 * `package main`, what each imports (cgo included), and reads their source for the conventions real
 * services use: how they learn their port, whether they serve at all, the files they read at run
 * time, and where they keep their version variables.
 */
export interface GoRepo {
  /** go.mod's `module`. */
  readonly modulePath: string;
  /** go.mod's `go` line, as written (`1.24.3`), if there is one. */
  readonly goLine?: string;
  /** go.mod's `toolchain` line, without `go` (`1.26.1`), if there is one. */
  readonly toolchain?: string;
  /** Every `package main` of the module, sorted by path. */
  readonly mainPackages: MainPackage[];
  /** The ports of the Dockerfile's `EXPOSE` instructions, in order. */
  readonly exposedPorts: number[];
  /** The main package the existing Dockerfile builds, if it builds one. */
  readonly dockerfilePackage?: string;
  /** The version variables found outside package main, as -X names them. */
  readonly versionVariables: { version?: string; commit?: string; date?: string };
}

/** A `package main` of the module, and what its code says about how it runs. */
export interface MainPackage {
  /** As go build takes it: `.`, `./cmd/server`. */
  readonly path: string;
  /** Its directory's name (the module's last element for `.`). */
  readonly dirName: string;
  /** It listens (ListenAndServe, net.Listen, a gRPC server...), rather than doing its job and exiting. */
  readonly server: boolean;
  /** The port its code defaults to, if it names one. */
  readonly port?: number;
  /** The environment variable it reads its port from, if any (`PORT`, `HTTP_PORT`). */
  readonly portVariable?: string;
  /** The flag it takes its address or port from, as portArgument takes it (`-listen=:{port}`). */
  readonly portArgument?: string;
  /** Repository paths it reads at run time, relative to its working directory (templates, static files). */
  readonly runtimeFiles: string[];
  /** Packages in its graph with C code (cgo), and whether any has C++. */
  readonly cgoPackages: string[];
  readonly cxx: boolean;
}

/** Why a repository cannot be read (the CLI reports it as a usage error). */
export class GoRepoError extends Error {}

/** Reads go.mod, asks Go for the packages, reads the Dockerfile. */
export function readGoRepo(dir: string): GoRepo {
  const goMod = join(dir, 'go.mod');
  if (!existsSync(goMod)) {
    const below = findModules(dir);
    const hint = below.length
      ? `The Go module is in ${below.map((m) => `${m}/`).join(', ')}: run adopt there (cd ${below[0]} && npx projen-go-service adopt)`
      : 'Run adopt at the root of a Go module (or make one with go mod init <module path>)';
    throw new GoRepoError(`adopt: there is no go.mod in ${dir}. ${hint}`);
  }
  const text = readFileSync(goMod, 'utf-8');
  const lines = text.split('\n').map((l) => l.replace(/\/\/.*$/, '').trim());
  const modulePath = lines.map((l) => /^module\s+"?([^"\s]+)"?$/.exec(l)?.[1]).find((m) => m !== undefined);
  if (!modulePath) {
    throw new GoRepoError('adopt: go.mod has no module line. Add one (module example.com/<name>) and run adopt again');
  }
  const goLine = lines.map((l) => /^go\s+(\S+)$/.exec(l)?.[1]).find((v) => v !== undefined);
  const toolchain = lines.map((l) => /^toolchain\s+go(\S+)$/.exec(l)?.[1]).find((v) => v !== undefined);

  const all = listGoPackages(dir, ['./...'], { deps: false });
  if (!all.ok) {
    throw new GoRepoError(`adopt: the Go toolchain could not list the packages of ${dir} (${all.reason}). Install Go (and run go mod download if the module cache is empty), then run adopt again`);
  }
  const mains = all.packages.filter((p) => p.name === 'main' && p.dir && !p.error?.includes('no Go files'));
  if (mains.length === 0) {
    throw new GoRepoError('adopt: go list finds no package main in this module, so there is no command to build. Run adopt in the module that has one');
  }
  const paths = mains.map((p) => packagePath(dir, p.dir!));
  const graph = listGoPackages(dir, paths, { deps: true });
  if (!graph.ok) {
    throw new GoRepoError(`adopt: the Go toolchain could not list what the commands import (${graph.reason}). Fix the module so go build ./... works, then run adopt again`);
  }
  const mainPackages = mains.map((m) => describeMain(dir, modulePath, m, graph)).sort((a, b) => a.path.localeCompare(b.path));
  const dockerfile = readDockerfile(join(dir, 'Dockerfile'));
  const dockerfilePackage = dockerfile.packages.find((p) => mainPackages.some((m) => m.path === p));
  return {
    modulePath,
    goLine,
    toolchain,
    mainPackages,
    exposedPorts: dockerfile.exposed,
    dockerfilePackage,
    versionVariables: findVersionVariables(graph),
  };
}

/** `./cmd/server`, or `.` for the module root. */
function packagePath(root: string, dir: string): string {
  const rel = relative(root, dir).split(sep).join('/');
  return rel ? `./${rel}` : '.';
}

/** Directories below `dir` (two levels) with a go.mod. */
function findModules(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || ['node_modules', 'vendor', 'testdata'].includes(e.name)) continue;
      const sub = join(d, e.name);
      if (existsSync(join(sub, 'go.mod'))) found.push(relative(dir, sub));
      else if (depth < 2) walk(sub, depth + 1);
    }
  };
  walk(dir, 1);
  return found.sort();
}

/** The non-test Go source of the main-module packages of a command's graph, by package. */
function sourcesOf(listing: GoListing, root: GoPackage): Array<{ pkg: GoPackage; text: string }> {
  return closure(listing, root)
    .filter((p) => p.module?.main && p.dir)
    .map((p) => ({
      pkg: p,
      text: [...p.goFiles, ...p.cgoFiles]
        .filter((f) => !f.endsWith('_test.go'))
        .map((f) => {
          try {
            return readFileSync(join(p.dir!, f), 'utf-8');
          } catch {
            return '';
          }
        })
        .join('\n'),
    }));
}

const SERVES = /\bListenAndServe(?:TLS)?\(|\bnet\.Listen(?:TCP|Unix|Packet)?\(|\.Listen\(ctx,|\bgrpc\.NewServer\(|\bhttp\.Serve\(/;
const PORT_FLAG = /\b(?:flag|[A-Za-z]*Flags\(\))\.(String|Int|Uint)(?:Var)?P?\((?:&[\w.]+,\s*)?"([\w-]*(?:addr|listen|port|bind|http)[\w-]*)",\s*(?:"\w?",\s*)?("([^"]*)"|(\d+))/i;
const PORT_ENV = /\bos\.(?:Getenv|LookupEnv)\("(\w*PORT\w*)"\)/;
const LITERAL_PORT = /"(?:[\w.-]*:)?(\d{2,5})"/g;

function describeMain(root: string, modulePath: string, p: GoPackage, listing: GoListing): MainPackage {
  const path = packagePath(root, p.dir!);
  const rootPkg = listing.packages.find((q) => q.dir === p.dir && q.root) ?? p;
  const sources = sourcesOf(listing, rootPkg);
  const own = sources.find((s) => s.pkg.dir === p.dir)?.text ?? '';
  const all = sources.map((s) => s.text).join('\n');
  const server = SERVES.test(all);
  const port = server ? findPort(own, all) : {};
  const graph = closure(listing, rootPkg).filter((q) => !q.standard);
  const cgo = graph.filter((q) => q.cgoFiles.length > 0);
  return {
    path,
    dirName: path === '.' ? modulePath.split('/').filter((e) => !/^v\d+$/.test(e)).pop() ?? '' : path.split('/').pop()!,
    server,
    ...port,
    runtimeFiles: findRuntimeFiles(root, all),
    cgoPackages: cgo.map((q) => q.importPath),
    cxx: cgo.some((q) => q.cxxFiles.length > 0),
  };
}

/** How a server's code learns its port: a flag, an environment variable, or a literal address. */
function findPort(own: string, all: string): { port?: number; portVariable?: string; portArgument?: string } {
  for (const text of [own, all]) {
    const flag = PORT_FLAG.exec(text);
    if (flag) {
      const [, kind, name, , str, num] = flag;
      if (kind.toLowerCase() === 'string' && str !== undefined) {
        const m = /^(.*?)(\d{2,5})$/.exec(str);
        if (m) return { port: Number(m[2]), portArgument: `-${name}=${m[1]}{port}` };
      } else if (num !== undefined) {
        return { port: Number(num), portArgument: `-${name}={port}` };
      }
    }
  }
  for (const text of [own, all]) {
    const env = PORT_ENV.exec(text);
    if (env) {
      // the default is the first port-like literal after the lookup
      const after = text.slice(env.index, env.index + 400);
      const literal = [...after.matchAll(LITERAL_PORT)].map((m) => Number(m[1])).find((n) => n >= 80 && n <= 65535);
      return { portVariable: env[1], port: literal };
    }
  }
  const literal = /ListenAndServe(?:TLS)?\(\s*"(?:[\w.-]*):(\d{2,5})"/.exec(all) ?? /Addr:\s*"(?:[\w.-]*):(\d{2,5})"/.exec(all);
  return literal ? { port: Number(literal[1]) } : {};
}

const READS = /\b(?:template\.(?:ParseGlob|ParseFiles|New\([^)]*\)\.ParseGlob)|\.ParseGlob|\.ParseFiles|http\.Dir|os\.(?:ReadFile|Open|ReadDir|Stat)|ioutil\.(?:ReadFile|ReadDir)|filepath\.Glob)\(\s*"([^"]+)"/g;

/** Repository paths the code reads by a relative path at run time: their first element when that is a directory, else the file. */
function findRuntimeFiles(root: string, text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(READS)) {
    const path = m[1].replace(/^\.\//, '');
    if (path.startsWith('/') || path.split('/').includes('..')) continue;
    const first = path.split('/')[0];
    if (/[*?[]/.test(first)) continue;
    const candidate = existsSync(join(root, first)) && statSync(join(root, first)).isDirectory() ? first : path;
    if (!/[*?[]/.test(candidate) && existsSync(join(root, candidate))) found.add(candidate);
  }
  return [...found].sort();
}

const VERSION_NAMES: { [key in 'version' | 'commit' | 'date']: RegExp } = {
  version: /^(?:Version|AppVersion|BuildVersion|GitVersion)$/,
  commit: /^(?:Commit|GitCommit|Revision|BuildCommit|CommitHash|GitSHA)$/,
  date: /^(?:Date|BuildDate|BuildTime|Built|CommitDate)$/,
};

/** String variables named like a version, a commit or a date in a package other than main: what -X must name. */
function findVersionVariables(listing: GoListing): GoRepo['versionVariables'] {
  const out: { [key: string]: string } = {};
  const packages = listing.packages.filter((p) => p.module?.main && p.name !== 'main' && p.dir).sort((a, b) => a.importPath.localeCompare(b.importPath));
  for (const p of packages) {
    for (const file of p.goFiles.filter((f) => !f.endsWith('_test.go'))) {
      let text = '';
      try {
        text = readFileSync(join(p.dir!, file), 'utf-8');
      } catch {
        continue;
      }
      for (const name of stringVariables(text)) {
        for (const [key, re] of Object.entries(VERSION_NAMES)) {
          if (re.test(name) && !out[key]) out[key] = `${p.importPath}.${name}`;
        }
      }
    }
  }
  return out;
}

/** The package-level `var` names initialised with a string literal (what -X can set), not constants. */
function stringVariables(text: string): string[] {
  const names: string[] = [];
  let block: 'var' | 'other' | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (block) {
      if (line.startsWith(')')) {
        block = undefined;
      } else if (block === 'var') {
        const m = /^(\w+)\s*(?:string\s*)?=\s*"/.exec(line);
        if (m) names.push(m[1]);
      }
      continue;
    }
    const open = /^(var|const|import|type)\s*\($/.exec(line);
    if (open) {
      block = open[1] === 'var' ? 'var' : 'other';
      continue;
    }
    const single = /^var\s+(\w+)\s*(?:string\s*)?=\s*"/.exec(line);
    if (single) names.push(single[1]);
  }
  return names;
}

/** The ports a Dockerfile EXPOSEs and the packages its `go build` lines build. */
function readDockerfile(file: string): { exposed: number[]; packages: string[] } {
  if (!existsSync(file)) return { exposed: [], packages: [] };
  const text = readFileSync(file, 'utf-8').replace(/\\\r?\n/g, ' ');
  const exposed = text.split('\n').flatMap((line) => {
    const m = /^\s*EXPOSE\s+(.+)$/i.exec(line);
    return m ? m[1].split(/\s+/).map((p) => /^(\d+)(\/tcp)?$/.exec(p)?.[1]).filter((p): p is string => p !== undefined).map(Number) : [];
  });
  const packages: string[] = [];
  for (const m of text.matchAll(/\bgo\s+build\b([^&;|\n]*)/g)) {
    const tokens = m[1].trim().split(/\s+/);
    const pkg = tokens.reverse().find((t) => t === '.' || t.startsWith('./'));
    if (pkg) packages.push(pkg === '.' || pkg === './' ? '.' : pkg.replace(/\/+$/, ''));
  }
  return { exposed, packages };
}
