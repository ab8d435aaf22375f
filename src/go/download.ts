import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

/** What fetching the modules did. */
export interface DownloadResult {
  readonly ok: boolean;
  /** Why not, when not ok. */
  readonly reason?: string;
}

function read(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Brings the modules the packages of `dir` need into the module cache, through the user's own
 * GOPROXY (and GOPRIVATE, GONOSUMDB, .netrc: the go command's settings as they are), the way `go
 * build` would: `go list -deps` with `-mod=readonly`, so go.mod and go.sum are never changed (a
 * module missing from go.sum is an error, not an edit). Go's own "go: downloading" lines are the
 * progress, on stderr. Afterwards go.mod and go.sum are checked byte for byte.
 */
export function downloadModules(dir: string, options: { go?: string; progress?: boolean } = {}): DownloadResult {
  const before = [read(join(dir, 'go.mod')), read(join(dir, 'go.sum'))];
  const env = { ...process.env, GOFLAGS: '-mod=readonly', GOWORK: 'off', GOOS: 'linux' };
  const r = spawnSync(options.go ?? 'go', ['list', '-e', '-deps', '-f', '{{if .Error}}{{.ImportPath}}: {{.Error}}{{end}}', './...'], {
    cwd: dir,
    env,
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 1_800_000,
    stdio: ['ignore', 'pipe', options.progress ? 'inherit' : 'pipe'],
  });
  const after = [read(join(dir, 'go.mod')), read(join(dir, 'go.sum'))];
  if (before.some((b, i) => (b === undefined) !== (after[i] === undefined) || (b && after[i] && !b.equals(after[i]!)))) {
    // -mod=readonly promises this; say so loudly if a go command ever breaks it
    return { ok: false, reason: 'go changed go.mod or go.sum while downloading, which it must not with -mod=readonly: restore them from git' };
  }
  if (r.error || r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').filter((l: string) => !l.startsWith('go: downloading')).slice(-3).join(' ');
    return { ok: false, reason: why || String(r.error ?? `go list exited ${r.status}`) };
  }
  const missing = r.stdout.split('\n').filter((l) => /missing go\.sum entry|cannot find module|no required module|GOPROXY=off|dial tcp|lookup /.test(l));
  return missing.length ? { ok: false, reason: missing.slice(0, 3).join('; ') } : { ok: true };
}
