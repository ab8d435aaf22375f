import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative, sep } from 'path';
import { AnalyzedMain, AnalyzedPath, analyze, AnalyzerError, AnalyzerReport, isRepoDir } from './analyzer';
import { buildPreconditionFact, compileErrorsOf, generateDirectives } from './build-preconditions';
import { DataFlag, dataFlagsOf } from './data-flags';
import { DataVariable, dataVariablesOf, homeWriteFact, underHome } from './data-variables';
import { downloadModules } from './download';
import { closure, GoListing, GoPackage, listGoPackages } from './go-graph';
import { listenHost } from './listen-host';
import { observe, ObserveError } from './observe';
import { secretsUnder, secretsWarning } from './secret-files';

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
  /** The version variables of the module, as -X names them (the first main package's, else none). */
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
  /** The value of its port variable, when that holds an address (`:{port}`). */
  readonly portVariableValue?: string;
  /** The port variable has no default of its own (`env:"HTTP_PORT,required"`): port is only the code's fallback, if any. */
  readonly portVariableWithoutDefault?: boolean;
  /** Variables that make it listen on every interface, where its default address is loopback (`FB_ADDRESS=0.0.0.0`). */
  readonly listenEnvironment?: { [name: string]: string };
  /** Arguments that do that, where only a flag sets the host (`--address=0.0.0.0`). */
  readonly listenArgs?: string[];
  /** Repository paths it reads at run time, relative to its working directory (templates, static files). */
  readonly runtimeFiles: string[];
  /** Directories it writes at run time, relative to its working directory (`data`, `.`), or absolute. */
  readonly dataDirectories: string[];
  /** The compile errors of its graph as committed (`file:line:col: message`), if any. */
  readonly compileErrors?: string[];
  /** Variables that name a directory it creates (`SHIORI_DIR`): src/go/data-variables.ts. */
  readonly dataVariables?: DataVariable[];
  /** Flags whose value is a directory it writes (`--storage.tsdb.path`): src/go/data-flags.ts. */
  readonly dataFlags?: DataFlag[];
  /** The arguments that start it as a server (a `serve` subcommand), if it needs any. */
  readonly args: string[];
  /** The version variables its graph has, as -X names them. */
  readonly versionVariables: { version?: string; commit?: string; date?: string };
  /** Where each fact came from, for adopt's report (`port 9100: flag --web.listen-address, main.go:20`). */
  readonly facts: string[];
  /** Packages in its graph with C code (cgo), and whether any has C++. */
  readonly cgoPackages: string[];
  readonly cxx: boolean;
}

/** Why a repository cannot be read (the CLI reports it as a usage error). */
export class GoRepoError extends Error {}

/** Reads go.mod, asks Go for the packages, reads the Dockerfile. */
export function readGoRepo(dir: string, options: { log?: (line: string) => void; download?: boolean; observe?: boolean } = {}): GoRepo {
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

  if (options.download) {
    // the modules first, through the user's GOPROXY (go.mod and go.sum unchanged): the rest reads the module cache
    const fetched = downloadModules(dir, { progress: true });
    if (!fetched.ok) {
      throw new GoRepoError(`adopt: the modules of ${dir} could not be downloaded through your GOPROXY (go env GOPROXY): ${fetched.reason}. Check that go build ./... works here, then run adopt again`);
    }
  }
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
  let report: AnalyzerReport;
  try {
    report = analyze(dir, { log: options.log });
  } catch (e) {
    if (e instanceof AnalyzerError) throw new GoRepoError(`adopt: ${e.message}. Fix that, then run adopt again`);
    throw e;
  }
  const mainPackages = mains.map((m) => describeMain(dir, modulePath, m, graph, report)).sort((a, b) => a.path.localeCompare(b.path))
    .map((m) => (options.observe && m.server && m.port === undefined ? observed(dir, m, options.log) : m));
  const dockerfile = readDockerfile(join(dir, 'Dockerfile'));
  const dockerfilePackage = dockerfile.packages.find((p) => mainPackages.some((m) => m.path === p));
  return {
    modulePath,
    goLine,
    toolchain,
    mainPackages,
    exposedPorts: dockerfile.exposed,
    dockerfilePackage,
    versionVariables: mainPackages.find((m) => Object.keys(m.versionVariables).length)?.versionVariables ?? {},
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

function describeMain(root: string, modulePath: string, p: GoPackage, listing: GoListing, report: AnalyzerReport): MainPackage {
  const path = packagePath(root, p.dir!);
  const rootPkg = listing.packages.find((q) => q.dir === p.dir && q.root) ?? p;
  const graph = closure(listing, rootPkg).filter((q) => !q.standard);
  const cgo = graph.filter((q) => q.cgoFiles.length > 0);
  const dir = path === '.' ? '.' : path.slice(2);
  const a = report.mains.find((m) => m.dir === dir || (dir === '.' && m.dir === ''));
  const facts: string[] = [];
  const server = a?.server.listens ?? false;
  if (a && server) facts.push(`a server: main reaches ${a.server.calls[0]?.call ?? 'a listen call'} (${a.server.calls[0]?.source ?? a.server.how})`);
  const port = a && server ? portOf(a, facts) : {};
  const args = a && server ? [...a.defaultArgs] : [];
  if (args.length) facts.push(`runs as a server with the arguments ${args.join(' ')} (its subcommand that listens)`);
  // a program that does not compile as committed: the build step it needs (src/go/build-preconditions.ts)
  const compileErrors = a ? compileErrorsOf(a) : [];
  const precondition = buildPreconditionFact(compileErrors, compileErrors.length ? generateDirectives(root, graph) : []);
  if (precondition) facts.push(precondition);
  return {
    path,
    dirName: path === '.' ? modulePath.split('/').filter((e) => !/^v\d+$/.test(e)).pop() ?? '' : path.split('/').pop()!,
    server,
    ...port,
    runtimeFiles: a ? runtimeFiles(root, dir, a.runtimePaths, facts) : [],
    dataDirectories: a ? dataDirectories(a.writePaths, facts) : [],
    dataVariables: a ? dataVariablesOf(a.writePaths) : [],
    dataFlags: a ? dataFlagsOf(a.writePaths, a.flags) : [],
    compileErrors,
    args,
    versionVariables: a ? versionVariables(a) : {},
    facts,
    cgoPackages: cgo.map((q) => q.importPath),
    cxx: cgo.some((q) => q.cxxFiles.length > 0),
  };
}

/**
 * What the compiler could not tell, from the program itself: a server whose address is built at run
 * time is built and run for a few seconds in a sandbox (no network, unprivileged, read-only root),
 * and the port it listens on and the directories it creates are taken.
 */
function observed(dir: string, m: MainPackage, log?: (line: string) => void): MainPackage {
  log?.(`${m.path}: the compiler cannot tell its port; running it for a few seconds in a sandbox (no network, read-only, unprivileged)...`);
  try {
    const o = observe(dir, m.path, { args: m.args, files: m.runtimeFiles, cgo: m.cgoPackages.length > 0 });
    if (o.exited) {
      const last = o.log.length ? `: ${o.log[o.log.length - 1]}` : '';
      return { ...m, facts: [...m.facts, `observed: it exited (${o.exitCode}) within seconds with its default arguments${last}`] };
    }
    const dirs = [...new Set(o.created.filter((p) => !p.startsWith('/')).map((p) => p.split('/')[0]))];
    const facts = [...m.facts];
    if (o.ports.length) facts.push(`observed: it listens on ${o.ports.join(', ')} (run in a sandbox with its default arguments)`);
    if (o.loopbackPorts.includes(o.ports[0])) {
      facts.push(`WARNING: observed: it listens on ${o.ports[0]} at a loopback address only: in a container nothing outside it can reach it (the health probe, inside, still passes). Make it listen on every interface`);
    }
    if (dirs.length) facts.push(`observed: it creates ${dirs.join(', ')} in its working directory`);
    return { ...m, port: o.ports[0], dataDirectories: [...new Set([...m.dataDirectories, ...dirs])].sort(), facts };
  } catch (e) {
    if (!(e instanceof ObserveError)) throw e;
    return { ...m, facts: [...m.facts, `its port could not be observed: ${e.message}`] };
  }
}

/** The port a server listens on by default, the flag and variable that set it (as the analyzer traced them), and how it listens on every interface. */
export function portOf(a: AnalyzedMain, facts: string[]): PortFacts {
  const primary = a.primaryListen !== undefined && a.primaryListen >= 0 ? a.listen[a.primaryListen] : undefined;
  const documented = a.listen.find((l) => l.port > 0 && (l.flag || l.env));
  // a primary listen whose port is unknown (a socket path, an address built at run time) gives way to
  // one with a known port the program documents a flag or variable for
  const listen = (primary && (primary.port > 0 || !documented) ? primary : undefined)
    ?? documented ?? a.listen.find((l) => l.port > 0) ?? a.listen.find((l) => l.flag || l.env);
  if (!listen) return {};
  const out: { -readonly [K in keyof PortFacts]: PortFacts[K] } = {};
  if (listen.port > 0) out.port = listen.port;
  // a variable the program reads (a flag's default from it, or its config) is set by the image, and the
  // user's -e VAR=... then moves the port: a flag in the image's CMD would always win over it
  const env = listen.env && /^[A-Za-z_][A-Za-z0-9_]*=.*\{port\}/.test(listen.env.syntax) ? listen.env : undefined;
  if (env) {
    out.portVariable = env.name;
    const value = env.syntax.slice(env.name.length + 1);
    if (value !== '{port}') out.portVariableValue = value;
    if (env.default === '') out.portVariableWithoutDefault = true;
  } else if (listen.flag?.syntax.includes('{port}')) {
    out.portArgument = listen.flag.syntax;
  }
  const how = [
    listen.flag ? `flag ${listen.flag.syntax.replace(/=.*$/, '')} (${listen.flag.library}, ${listen.flag.source})` : undefined,
    listen.env ? `variable ${listen.env.name} (${listen.env.source})` : undefined,
    listen.config ? `config ${listen.config.name} (${listen.config.source})` : undefined,
  ].filter(Boolean).join(', ');
  facts.push(out.port !== undefined
    ? `port ${out.port}: ${listen.call} at ${listen.source}${how ? `, set by ${how}` : ` (${listen.kind})`}`
    : `the address of ${listen.call} at ${listen.source} is made at run time (${listen.expr || listen.kind}), which the compiler cannot tell`);
  // a loopback default address: unreachable from outside a container (src/go/listen-host.ts)
  const host = listenHost(a, listen, out.portVariable ? out.portVariableValue ?? '{port}' : out.portArgument?.replace(/^[^=]*=/, ''));
  if (host) {
    facts.push(host.fact);
    if (Object.keys(host.environment).length) out.listenEnvironment = host.environment;
    if (host.args.length) out.listenArgs = host.args;
  }
  return out;
}

/** What portOf finds. */
type PortFacts = Pick<MainPackage, 'port' | 'portVariable' | 'portVariableValue' | 'portVariableWithoutDefault' | 'portArgument' | 'listenEnvironment' | 'listenArgs'>;

/** Repository paths a main reads at run time: their first element when that is a directory of the repository, else the file. */
function runtimeFiles(root: string, dir: string, uses: AnalyzedPath[], facts: string[]): string[] {
  const found = new Set<string>();
  for (const u of uses.filter((x) => !x.absolute)) {
    const path = u.path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (!path || path === '.' || path.split('/').includes('..')) continue;
    // a path the program reads relative to its working directory: the repository root, or its own directory (go run .)
    for (const base of dir === '.' ? [''] : ['', `${dir}/`]) {
      const first = path.split('/')[0];
      if (/[*?[]/.test(first)) continue;
      const candidate = isRepoDir(root, `${base}${first}`) ? first : path;
      if (/[*?[]/.test(candidate) || !existsSync(join(root, `${base}${candidate}`))) continue;
      if (base === '' || !found.has(candidate)) {
        found.add(`${base}${candidate}`);
        facts.push(`reads ${base}${candidate} at run time (${u.call} at ${u.source}${u.flag ? `, the default of flag ${u.flag}` : ''})`);
        const warning = secretsWarning(`${base}${candidate}`, secretsUnder(root, `${base}${candidate}`));
        if (warning) facts.push(warning);
      }
      break;
    }
  }
  return [...found].sort();
}

/** Directories a main writes at run time, relative to its working directory, or absolute: the outermost of each. */
function dataDirectories(uses: AnalyzedPath[], facts: string[]): string[] {
  const found = new Map<string, AnalyzedPath>();
  for (const u of uses) {
    const path = u.path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (!path || /^\/(tmp|dev|proc|sys|run)(\/|$)/.test(path)) continue;
    // a directory it makes, or the directory of a file it writes
    const isDir = /\.Mkdir(All|Temp)?$/.test(u.call);
    const parts = path.split('/');
    const d = isDir ? path : parts.length > 1 ? parts.slice(0, -1).join('/') || '/' : '.';
    // beside the executable ({executable-dir}) or otherwise made at run time: no path of the image to
    // name here (a variable that moves it is a data variable: src/go/data-variables.ts)
    if (d.includes('{')) continue;
    if (underHome(d)) {
      if (!facts.some((f) => f.includes(`(${d},`))) facts.push(homeWriteFact(d, `${u.call} at ${u.source}${u.flag ? `, the default of flag ${u.flag}` : ''}`));
      continue;
    }
    if (d.split('/').includes('..') || /[*?[$]/.test(d) || /^\/etc(\/|$)/.test(d)) continue;
    if (!found.has(d)) found.set(d, u);
  }
  const dirs = [...found.keys()];
  const outermost = dirs.filter((d) => !dirs.some((o) => o !== d && (o === '.' ? !d.startsWith('/') : d.startsWith(`${o}/`))));
  for (const d of outermost) {
    const u = found.get(d)!;
    facts.push(`writes ${d === '.' ? 'its working directory' : d} (${u.call} at ${u.source}${u.flag ? `, the default of flag ${u.flag}` : ''})`);
  }
  return outermost.sort();
}

const VERSION_NAMES: { [key in 'version' | 'commit' | 'date']: RegExp } = {
  version: /^(?:version|Version|VERSION|AppVersion|BuildVersion|GitVersion|VersionName|tag|Tag)$/,
  commit: /^(?:commit|Commit|COMMIT|GitCommit|gitCommit|Revision|revision|REVISION|BuildCommit|CommitHash|GitSHA|sha)$/,
  date: /^(?:date|Date|DATE|BuildDate|buildDate|BuildTime|buildTime|Built|CommitDate)$/,
};

/** The stamp variables of a main's graph that the compiler says -X can set, by what they hold. */
function versionVariables(a: AnalyzedMain): MainPackage['versionVariables'] {
  const out: { [key: string]: string } = {};
  for (const v of a.versionVariables.filter((x) => x.inModule)) {
    const name = v.name.slice(v.name.lastIndexOf('.') + 1);
    for (const [key, re] of Object.entries(VERSION_NAMES)) {
      if (re.test(name) && !out[key]) out[key] = v.name;
    }
  }
  return out;
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
