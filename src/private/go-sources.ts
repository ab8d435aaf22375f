import { existsSync } from 'fs';
import { join, relative, resolve, sep } from 'path';
import { closure, GoListOptions, GoPackage, listGoPackages } from './go-graph';

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
}

/**
 * Asks Go which packages each service's main package imports, and turns the ones in the repository
 * into build-context paths: `dir/*.go` (every Go file, whatever the platform), the package's other
 * source files by extension (`dir/*.c`), and its `//go:embed` patterns. A service's own main
 * package is always in, even before its code exists (samples are written in the same synthesis).
 */
export function readGoSources(dir: string, services: readonly ServiceSourceFacts[], options: Pick<GoListOptions, 'go'> = {}): GoSources {
  const paths = new Set<string>(services.map((s) => goFilesOf(relative(dir, resolve(dir, s.mainPackage)))));
  const packages = new Map<string, GoPackage[]>();
  if (!existsSync(join(dir, 'go.mod'))) {
    // a new repository: go.mod and the samples are written by this very synthesis
    return { complete: true, paths: sorted(paths), packages };
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
      return { complete: false, note: listing.reason, paths: [], packages: new Map() };
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
  return { complete: true, paths: sorted(paths), packages };
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
