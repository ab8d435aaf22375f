import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'fs';
import { homedir } from 'os';
import { join, relative } from 'path';

/**
 * What the compiler says of a Go program: the analyzer (./analyzer, Go source shipped with the
 * package, built with the user's Go toolchain once and cached) loads the module with go/packages
 * and go/types, builds SSA for each `package main`, and reports what it finds. See
 * ./analyzer/README.md for every field; the types below are the part adopt reads.
 */
export interface AnalyzerReport {
  readonly module: string;
  readonly mains: AnalyzedMain[];
  readonly errors: string[];
}

/** How a port is set through one source: a flag, a variable, a config key. */
export interface PortOverride {
  readonly name: string;
  /** The argument with `{port}` where the port goes (`-listen=:{port}`), for flags. */
  readonly syntax: string;
  readonly default: string;
  readonly source: string;
  readonly library: string;
}

/** The address one listen call is given, traced back to where it comes from. */
export interface AnalyzedListen {
  readonly call: string;
  readonly source: string;
  readonly expr: string;
  readonly default: string;
  readonly port: number;
  /** `literal`, `flag`, `env`, `config`, ... */
  readonly kind: string;
  readonly flag: PortOverride | null;
  readonly env: PortOverride | null;
  readonly config: PortOverride | null;
}

/** A file or directory the program reads or writes at run time. */
export interface AnalyzedPath {
  readonly path: string;
  readonly kind: string;
  readonly absolute: boolean;
  readonly call: string;
  readonly source: string;
  readonly flag: string;
  readonly env: string;
}

/** One `package main`. */
export interface AnalyzedMain {
  /** Its import path. */
  readonly package: string;
  /** Its directory, relative to the module (`.` for the root). */
  readonly dir: string;
  readonly server: { readonly listens: boolean; readonly how: string; readonly calls: Array<{ call: string; source: string }> };
  readonly listen: AnalyzedListen[];
  /** The index in `listen` of the address to publish (the service's main port), -1 when none. */
  readonly primaryListen?: number;
  /** The command-line flags it defines: their syntax (`--address`), default and variables. */
  readonly flags: Array<{ name: string; syntax: string; default: string; env: string[] | null }>;
  readonly subcommands: Array<{ path: string[]; reachesListen: boolean; deprecated: boolean }>;
  /** The arguments that start the server (a `serve` subcommand), if it needs any. */
  readonly defaultArgs: string[];
  readonly runtimePaths: AnalyzedPath[];
  readonly writePaths: AnalyzedPath[];
  readonly versionVariables: Array<{ name: string; value: string; inModule: boolean; source: string }>;
  readonly cgo: Array<{ package: string; std: boolean; module: string }>;
  readonly errors: string[];
}

/** Why the analyzer could not answer. */
export class AnalyzerError extends Error {}

/** Where the analyzer's source is: beside this file, in the package (lib/go/analyzer) and in the repository (src/go/analyzer). */
export const ANALYZER_SOURCE = join(__dirname, 'analyzer');

/** The analyzer's Go source files, for its cache key (testdata aside). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.(go|mod|sum)$/.test(f) && !f.endsWith('_test.go')).sort();
}

/** Where built analyzers are kept: the user's cache directory (`$XDG_CACHE_HOME`, else `~/.cache`). */
function cacheRoot(): string {
  return join(process.env.PROJEN_GO_SERVICE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'projen-go-service'), 'analyzer');
}

/**
 * The analyzer binary, built with `go` (the user's toolchain, its GOPROXY for golang.org/x/tools)
 * the first time and kept, keyed by its source and the Go version. The build goes to a directory
 * beside its place and is renamed there, so a killed build leaves nothing half-written in use.
 */
export function analyzerBinary(options: { go?: string; log?: (line: string) => void } = {}): string {
  const go = options.go ?? 'go';
  const version = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf-8', timeout: 60_000 });
  if (version.status !== 0) {
    throw new AnalyzerError(`the Go toolchain (${go}) does not answer go env GOVERSION: ${(version.stderr || String(version.error ?? '')).trim()}`);
  }
  const hash = createHash('sha256').update(version.stdout.trim());
  for (const f of sourceFiles(ANALYZER_SOURCE)) hash.update(f).update('\0').update(readFileSync(join(ANALYZER_SOURCE, f))).update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const dir = join(cacheRoot(), key);
  const binary = join(dir, 'analyzer');
  if (existsSync(binary)) return binary;
  options.log?.(`Building the Go program analyzer once (${relative(process.cwd(), ANALYZER_SOURCE) || ANALYZER_SOURCE}, golang.org/x/tools through your GOPROXY)...`);
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOWORK: 'off', GOOS: '', GOARCH: '' };
  const built = spawnSync(go, ['build', '-trimpath', '-o', join(tmp, 'analyzer'), '.'], { cwd: ANALYZER_SOURCE, encoding: 'utf-8', env, timeout: 600_000 });
  if (built.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new AnalyzerError(`building the analyzer failed (go build in ${ANALYZER_SOURCE}): ${built.stderr.trim().split('\n').slice(-5).join(' ')}. It needs golang.org/x/tools from your GOPROXY (go env GOPROXY)`);
  }
  try {
    renameSync(tmp, dir);
  } catch (e) {
    // another process built it first
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(binary)) throw e;
  }
  return binary;
}

/**
 * Analyzes the module in `dir`: every `package main`, with `tags`. The module's dependencies must be
 * in the module cache (adopt downloads them first).
 */
export function analyze(dir: string, options: { go?: string; tags?: string[]; log?: (line: string) => void } = {}): AnalyzerReport {
  const binary = analyzerBinary(options);
  const args = ['-dir', dir, ...(options.tags?.length ? ['-tags', options.tags.join(',')] : []), './...'];
  const env = { ...process.env, GOFLAGS: '-mod=readonly', GOWORK: 'off', GOOS: 'linux', GOTOOLCHAIN: 'local' };
  const r = spawnSync(binary, args, { cwd: dir, encoding: 'utf-8', env, maxBuffer: 256 * 1024 * 1024, timeout: 900_000 });
  if (r.status !== 0) {
    throw new AnalyzerError(`the analyzer failed on ${dir}: ${(r.stderr || String(r.error ?? '')).trim().split('\n').slice(-5).join(' ')}`);
  }
  try {
    return JSON.parse(r.stdout) as AnalyzerReport;
  } catch {
    throw new AnalyzerError('the analyzer printed something that is not its JSON report');
  }
}

/** Whether `path` is a directory of the repository `root`. */
export function isRepoDir(root: string, path: string): boolean {
  try {
    return statSync(join(root, path)).isDirectory();
  } catch {
    return false;
  }
}
