import { spawnSync } from 'child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { closure, GoListOptions, GoPackage, listGoModules, listGoPackages } from './go-graph';

/** What the model reads of a service to ask Go about it. */
export interface ServiceSourceFacts {
  readonly name: string;
  readonly mainPackage: string;
  readonly buildTags: string[];
}

/**
 * What `go build` of the services reads from the repository, as the Go toolchain says: the build
 * context the .dockerignore lets in, and each service's packages (for the cgo check).
 */
export interface GoSources {
  /**
   * Whether Go answered. When it did not (no Go on PATH, a go.mod it cannot read), `paths` is
   * empty, `note` says why, and the build context must let the whole repository in.
   */
  readonly complete: boolean;
  readonly note?: string;
  /** The repository paths the build reads, as .dockerignore patterns without the `!`, sorted. */
  readonly paths: string[];
  /** Each service's packages outside the standard library (its own included), by service name. */
  readonly packages: ReadonlyMap<string, GoPackage[]>;
  /**
   * The modules of the build list that a replace directive points at a directory of the repository
   * (`replace example.com/money => ./libs/money`), as repository paths (`libs/money`), sorted: the
   * module download reads their go.mod, so the image build needs it before the source.
   */
  readonly localModules: string[];
  /**
   * The modules of the build list replaced by a directory outside the repository (`=> ../lib`),
   * which a build whose context is the repository cannot see.
   */
  readonly outsideModules: Array<{ readonly path: string; readonly replaceDir: string }>;
  /** Whether the modules are vendored (vendor/modules.txt): the build reads vendor/ and downloads nothing. */
  readonly vendored: boolean;
  /**
   * The modules a go.work around the project supplies to the services from their directories
   * (`use ./libs/money`), which the image build, without the workspace, takes at go.mod's versions.
   */
  readonly workspaceModules: WorkspaceModule[];
}

/** A module that a Go workspace supplies from a directory. */
export interface WorkspaceModule {
  readonly path: string;
  /** Its directory, relative to the project (`libs/money`, `../libs/money`). */
  readonly dir: string;
  /** The go.work, relative to the project. */
  readonly goWork: string;
}

/** What a listing that says nothing of modules holds. */
function noModules(): Pick<GoSources, 'localModules' | 'outsideModules' | 'vendored' | 'workspaceModules'> {
  return { localModules: [], outsideModules: [], vendored: false, workspaceModules: [] };
}

/**
 * Asks Go which packages each service's main package imports, and turns the ones in the repository
 * into build-context paths: `dir/*.go` (every Go file, whatever the platform), the package's other
 * source files by extension (`dir/*.c`), and its `//go:embed` patterns. A service's own main
 * package is always in, even before its code exists (samples are written in the same synthesis).
 */
export function readGoSources(dir: string, services: readonly ServiceSourceFacts[], options: Pick<GoListOptions, 'go'> = {}): GoSources {
  // go in workspace mode writes go.work.sum, a file git usually ignores: a synthesis must not leave
  // one behind, or check in a fresh clone (which has none) finds it missing
  return keepingFile(workspaceSum(dir), () => listSources(dir, services, options));
}

/** The go.work.sum of the workspace `dir` is in ($GOWORK's, else the nearest go.work's above), if any. */
export function workspaceSum(dir: string): string | undefined {
  const env = process.env.GOWORK;
  if (env === 'off') return undefined;
  if (env) return `${resolve(dir, env)}.sum`;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'go.work'))) return join(d, 'go.work.sum');
    if (dirname(d) === d) return undefined;
  }
}

/** Runs `fn`, then puts `file` back as it was: its bytes, or no file. */
export function keepingFile<T>(file: string | undefined, fn: () => T): T {
  if (file === undefined) return fn();
  const before = existsSync(file) ? readFileSync(file) : undefined;
  try {
    return fn();
  } finally {
    if (before === undefined) {
      rmSync(file, { force: true });
    } else if (!existsSync(file) || !readFileSync(file).equals(before)) {
      writeFileSync(file, before);
    }
  }
}

function listSources(dir: string, services: readonly ServiceSourceFacts[], options: Pick<GoListOptions, 'go'>): GoSources {
  const paths = new Set<string>(services.map((s) => goFilesOf(relative(dir, resolve(dir, s.mainPackage)))));
  const packages = new Map<string, GoPackage[]>();
  if (!existsSync(join(dir, 'go.mod'))) {
    // a new repository: go.mod and the samples are written by this very synthesis
    return { complete: true, paths: sorted(paths), packages, ...noModules() };
  }
  // one listing per set of build tags (tags can change which files, and so which imports, count)
  const groups = new Map<string, ServiceSourceFacts[]>();
  for (const s of services) {
    const key = [...s.buildTags].sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, group] of groups) {
    const listing = listGoPackages(dir, group.map((s) => s.mainPackage), { ...options, tags: key ? key.split(',') : [] });
    if (!listing.ok) {
      return { complete: false, note: listing.reason, paths: [], packages: new Map(), ...noModules() };
    }
    for (const s of group) {
      const rootDir = resolve(dir, s.mainPackage);
      const root = listing.packages.find((p) => p.root && p.dir === rootDir && !p.error?.includes('no Go files'));
      const own = root ? closure(listing, root).filter((p) => !p.standard) : [];
      packages.set(s.name, own);
      for (const p of own) {
        for (const path of packagePaths(dir, p)) paths.add(path);
      }
    }
  }
  const workspaceModules = readWorkspaceModules(dir, services.map((s) => s.mainPackage), options);
  if (existsSync(join(dir, 'vendor', 'modules.txt'))) {
    // every module (replacements included) is in vendor/: no go.mod of theirs is read, none is outside
    return { complete: true, paths: sorted(paths), packages, ...noModules(), vendored: true, workspaceModules };
  }
  const replaced = readReplacedModules(dir, options);
  if (!replaced.ok) {
    return { complete: false, note: replaced.reason, paths: [], packages: new Map(), ...noModules() };
  }
  for (const m of replaced.localModules) paths.add(`${m}/go.mod`);
  // a module go.mod replaces by a directory is built from it either way
  const replacedPaths = new Set(replaced.replacedPaths);
  return {
    complete: true,
    paths: sorted(paths),
    packages,
    localModules: replaced.localModules,
    outsideModules: replaced.outsideModules,
    vendored: false,
    workspaceModules: workspaceModules.filter((m) => !replacedPaths.has(m.path)),
  };
}

/**
 * The modules a go.work around `dir` supplies to the main packages from directories other than
 * the project's (`go env GOWORK`, then `go list -deps` in workspace mode, offline). The image build
 * sees only the project directory and no go.work: there, these modules come from go.mod's versions.
 */
function readWorkspaceModules(dir: string, mainPackages: string[], options: Pick<GoListOptions, 'go'>): WorkspaceModule[] {
  const go = options.go ?? 'go';
  const env = { ...process.env, GOPROXY: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local', GOOS: 'linux', CGO_ENABLED: '1' };
  const work = spawnSync(go, ['env', 'GOWORK'], { cwd: dir, encoding: 'utf-8', env, timeout: 60_000 });
  const goWork = work.status === 0 ? work.stdout.trim() : '';
  if (goWork === '' || goWork === 'off') return [];
  const r = spawnSync(go, ['list', '-e', '-deps', '-f', '{{with .Module}}{{if .Main}}{{.Path}}\t{{.Dir}}{{end}}{{end}}', ...mainPackages], {
    cwd: dir, encoding: 'utf-8', env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000,
  });
  if (r.status !== 0) return [];
  const modules = new Map<string, WorkspaceModule>();
  for (const line of r.stdout.split('\n')) {
    const [path, moduleDir] = line.split('\t');
    if (!path || !moduleDir || resolve(moduleDir) === resolve(dir)) continue;
    modules.set(path, { path, dir: posix(relative(dir, moduleDir)), goWork: posix(relative(dir, goWork)) });
  }
  return [...modules.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

/** What the replace directives by directories come to. */
interface ReplacedModules {
  readonly ok: true;
  readonly localModules: string[];
  readonly outsideModules: Array<{ path: string; replaceDir: string }>;
  /** Every module replaced by a directory, inside or outside. */
  readonly replacedPaths: string[];
}

/**
 * The modules of the build list replaced by directories, as Go resolves them (`go list -m all`).
 * Asked only when go.mod has a replace whose target starts like a directory (`./`, `../`, `/`):
 * most go.mod files have none, and the listing costs a run of go.
 */
function readReplacedModules(dir: string, options: Pick<GoListOptions, 'go'>): ReplacedModules | { ok: false; reason: string } {
  const goMod = readFileSync(join(dir, 'go.mod'), 'utf-8');
  if (!/=>\s*"?(\.{1,2}[\\/]|\/)/.test(goMod)) return { ok: true, localModules: [], outsideModules: [], replacedPaths: [] };
  const listing = listGoModules(dir, options);
  if (!listing.ok) return { ok: false, reason: listing.reason ?? 'go list -m all failed' };
  const localModules = new Set<string>();
  const outsideModules: Array<{ path: string; replaceDir: string }> = [];
  const replacedPaths: string[] = [];
  for (const m of listing.modules) {
    if (m.main || m.replaceDir === undefined) continue;
    replacedPaths.push(m.path);
    const abs = resolve(dir, m.replaceDir);
    const rel = relative(dir, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      outsideModules.push({ path: m.path, replaceDir: m.replaceDir });
    } else if (existsSync(join(abs, 'go.mod'))) {
      // (a directory without go.mod fails the user's own build the same way: nothing to copy)
      localModules.add(posix(rel));
    }
  }
  return { ok: true, localModules: [...localModules].sort(), outsideModules, replacedPaths };
}

/** The build-context paths of a package that lives in the repository (none for one in the module cache or vendor/). */
function packagePaths(root: string, p: GoPackage): string[] {
  if (!p.dir) return [];
  const rel = relative(root, p.dir);
  if (rel.startsWith('..') || rel.split(sep)[0] === 'vendor' || resolve(root, rel) !== p.dir) return [];
  const dir = rel.split(sep).join('/');
  const prefix = dir ? `${dir}/` : '';
  const exts = [...new Set(p.otherFiles.map((f) => f.slice(f.lastIndexOf('.') + 1)).filter((e) => e && e !== 'go'))];
  return [
    goFilesOf(dir),
    ...exts.map((e) => `${prefix}*.${e}`),
    ...p.embedPatterns.map((e) => `${prefix}${e.replace(/^all:/, '')}`),
  ];
}

function goFilesOf(dir: string): string {
  const d = dir.split(sep).join('/');
  return d ? `${d}/*.go` : '*.go';
}

function sorted(paths: Set<string>): string[] {
  return [...paths].sort();
}
