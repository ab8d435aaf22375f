import { spawnSync } from 'child_process';
import { copyFileSync, existsSync } from 'fs';
import { join } from 'path';
import { makeScratch, SCRATCH_DIR } from './scratch';

/**
 * What the Go toolchain says about a module's packages: asked, never guessed from file names.
 * `go list -e -deps -json` runs offline (GOPROXY=off, GOFLAGS=-mod=mod or -mod=vendor): the main
 * module's packages are always found; packages of dependencies are found when they are in the
 * module cache (or vendor/), and are reported as errors otherwise, which does not stop the listing.
 * With -mod=mod the go command may rewrite go.mod and go.sum (a missing go line, say): it is given
 * copies (-modfile), so the user's files are never written.
 */

/** A package as `go list` describes it (the fields we ask for). */
export interface GoPackage {
  readonly importPath: string;
  /** The package name: `main` for a command. */
  readonly name: string;
  /** The absolute directory. */
  readonly dir?: string;
  /** Part of the standard library. */
  readonly standard: boolean;
  /** The module of the package, if any. */
  readonly module?: {
    readonly path: string;
    /** The main module (the one being built). */
    readonly main: boolean;
    /** The module's directory. */
    readonly dir?: string;
    /** Its go.mod's `go` line. */
    readonly goVersion?: string;
  };
  /** Listed because a pattern named it (not only as a dependency). */
  readonly root: boolean;
  readonly imports: string[];
  /** Go files, cgo files and every other source file of the package, by name. */
  readonly goFiles: string[];
  readonly cgoFiles: string[];
  /** C, C++, headers, assembly, syso...: files the build reads besides `.go` ones. */
  readonly otherFiles: string[];
  /** C++ sources: a cgo binary that links libstdc++ needs a runtime with it. */
  readonly cxxFiles: string[];
  /** `//go:embed` patterns, relative to the package directory. */
  readonly embedPatterns: string[];
  /** What went wrong with the package, if anything. */
  readonly error?: string;
}

/** The outcome of a listing. */
export interface GoListing {
  /** Whether the Go toolchain answered. When not, `reason` says why and `packages` is empty. */
  readonly ok: boolean;
  readonly reason?: string;
  /** Every package listed, standard library included. */
  readonly packages: GoPackage[];
}

/** How to list. */
export interface GoListOptions {
  /** List the patterns' dependencies too. @default true */
  readonly deps?: boolean;
  /** Build tags. @default none */
  readonly tags?: string[];
  /** The go command. @default "go" on PATH */
  readonly go?: string;
  /** More environment (GOARCH, say). */
  readonly env?: { [name: string]: string };
}

const FIELDS = [
  'ImportPath', 'Name', 'Dir', 'Standard', 'Module', 'Match', 'DepOnly', 'Imports', 'GoFiles', 'CgoFiles', 'IgnoredGoFiles',
  'CFiles', 'CXXFiles', 'HFiles', 'SFiles', 'SysoFiles', 'MFiles', 'FFiles', 'SwigFiles', 'SwigCXXFiles', 'IgnoredOtherFiles',
  'EmbedPatterns', 'Error',
];

/**
 * Lists packages of the module in `dir` (`./...`, `./cmd/x`, `.`), offline.
 */
export function listGoPackages(dir: string, patterns: string[], options: GoListOptions = {}): GoListing {
  const args = [...(options.deps ?? true ? ['-deps'] : []), `-json=${FIELDS.join(',')}`];
  if (options.tags?.length) args.push('-tags', options.tags.join(','));
  const r = goList(dir, [...args, ...patterns], options);
  return r.ok ? { ok: true, packages: parseJsonStream(r.stdout).map(toPackage) } : { ok: false, reason: r.reason, packages: [] };
}

/** A module of the build list, as `go list -m` describes it. */
export interface GoModule {
  readonly path: string;
  readonly version?: string;
  readonly main: boolean;
  /** Its go.mod's go line (undefined: it has none, which means go 1.16); unknown when `error` is set. */
  readonly goVersion?: string;
  /** Why its go.mod could not be read (not in the module cache, say). */
  readonly error?: string;
  /**
   * The directory that replaces it, as go.mod writes it (`./libs/money`, `../lib`), when a replace
   * directive points it at a directory rather than at another module version.
   */
  readonly replaceDir?: string;
}

/** The modules of the build list (`go list -m all`), offline. */
export function listGoModules(dir: string, options: Pick<GoListOptions, 'go'> = {}): { ok: boolean; reason?: string; modules: GoModule[] } {
  const r = goList(dir, ['-m', '-json=Path,Version,GoVersion,Main,Error,Replace', 'all'], options);
  if (!r.ok) return { ok: false, reason: r.reason, modules: [] };
  return {
    ok: true,
    modules: parseJsonStream(r.stdout).map((m) => ({
      path: m.Path,
      version: m.Version,
      main: m.Main === true,
      goVersion: m.GoVersion,
      error: m.Error?.Err,
      // a replacement by a directory has a path and no version
      replaceDir: m.Replace && !m.Replace.Version ? m.Replace.Path : undefined,
    })),
  };
}

/** Runs `go list -e <args>` offline, on copies of go.mod and go.sum. */
function goList(dir: string, args: string[], options: GoListOptions): { ok: true; stdout: string } | { ok: false; reason: string } {
  const go = options.go ?? 'go';
  const mod = existsSync(join(dir, 'vendor', 'modules.txt')) ? '-mod=vendor' : '-mod=mod';
  // (in the repository, never the system's temporary directory: src/go/scratch.ts)
  // (a full disk, a read-only repository: thrown as it is, for the synthesis to name in the house form)
  const work = makeScratch(dir, 'golist');
  const scratch = work.path;
  try {
    copyFileSync(join(dir, 'go.mod'), join(scratch, 'go.mod'));
    if (existsSync(join(dir, 'go.sum'))) copyFileSync(join(dir, 'go.sum'), join(scratch, 'go.sum'));
  } catch (e) {
    work.remove();
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EISDIR') throw Object.assign(e as Error, { path: join(dir, SCRATCH_DIR) });
    return { ok: false, reason: `cannot read go.mod: ${(e as Error).message}` };
  }
  const r = spawnSync(go, ['list', '-e', `-modfile=${join(scratch, 'go.mod')}`, ...args], {
    cwd: dir,
    encoding: 'utf-8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
    env: {
      ...process.env,
      // offline, on the module as it is, for the platform images are built for, with cgo files seen
      GOFLAGS: mod,
      GOPROXY: 'off',
      GOWORK: 'off',
      GOTOOLCHAIN: 'local',
      GOOS: 'linux',
      CGO_ENABLED: '1',
      ...options.env,
    },
  });
  work.remove();
  if (r.error) {
    const reason = (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${go} is not on PATH` : `${go} list failed: ${r.error.message}`;
    return { ok: false, reason };
  }
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
    return { ok: false, reason: `${go} list failed: ${why}` };
  }
  return { ok: true, stdout: r.stdout };
}

/** `go list -json` prints one object after another, not an array. */
function parseJsonStream(text: string): any[] {
  const out: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

function toPackage(p: any): GoPackage {
  const list = (k: string): string[] => (Array.isArray(p[k]) ? p[k] : []);
  return {
    importPath: p.ImportPath,
    name: p.Name ?? '',
    dir: p.Dir,
    standard: p.Standard === true,
    module: p.Module ? { path: p.Module.Path, main: p.Module.Main === true, dir: p.Module.Dir, goVersion: p.Module.GoVersion } : undefined,
    root: p.DepOnly !== true,
    imports: list('Imports'),
    goFiles: [...list('GoFiles'), ...list('IgnoredGoFiles')],
    cgoFiles: list('CgoFiles'),
    otherFiles: ['CFiles', 'CXXFiles', 'HFiles', 'SFiles', 'SysoFiles', 'MFiles', 'FFiles', 'SwigFiles', 'SwigCXXFiles', 'IgnoredOtherFiles'].flatMap(list),
    cxxFiles: list('CXXFiles'),
    embedPatterns: list('EmbedPatterns'),
    error: p.Error?.Err,
  };
}

/** The packages `root` imports, transitively, and itself (by import path), from a `-deps` listing. */
export function closure(listing: GoListing, root: GoPackage): GoPackage[] {
  const byPath = new Map(listing.packages.map((p) => [p.importPath, p]));
  const seen = new Map<string, GoPackage>();
  const visit = (p: GoPackage) => {
    if (seen.has(p.importPath)) return;
    seen.set(p.importPath, p);
    for (const i of p.imports) {
      const q = byPath.get(i);
      if (q) visit(q);
    }
  };
  visit(root);
  return [...seen.values()];
}
