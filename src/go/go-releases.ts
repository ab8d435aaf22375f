import { spawnSync } from 'child_process';

/**
 * The Go releases this package knows of. Go ships a minor release every February and August; the
 * newest one at this package's release is below (Go 1.27, August 2026). A goVersion above both it
 * and the machine's own Go is a release that does not exist yet, and is refused.
 */
export const NEWEST_KNOWN_GO_MINOR = 27;

/** The oldest Go with the toolchain rules (go and toolchain lines, GOTOOLCHAIN) the builds rely on. */
export const OLDEST_BUILDER_MINOR = 21;

/** The minor of a Go version: `1.26.3` → 26, `1.27rc1` → 27; undefined when it is not one. */
export function goMinor(version: string): number | undefined {
  const m = /^(?:go)?1\.(\d+)(?:\.\d+|rc\d+|beta\d+)?$/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}

let localMinor: number | null | undefined;

/** The minor of the machine's `go version`, if Go is there (asked once). */
export function localGoMinor(): number | undefined {
  if (localMinor === undefined) {
    const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf-8', timeout: 30_000, env: { ...process.env, GOTOOLCHAIN: 'local' } });
    localMinor = r.status === 0 ? goMinor(r.stdout.trim()) ?? null : null;
  }
  return localMinor ?? undefined;
}

/** The newest Go minor that exists, as far as this package and this machine know. */
export function newestGoMinor(): number {
  return Math.max(NEWEST_KNOWN_GO_MINOR, localGoMinor() ?? 0);
}
