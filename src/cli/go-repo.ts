import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { usageError } from './exit-codes';

/** What `adopt` reads from an existing Go repository. */
export interface GoRepo {
  /** go.mod's `module`. */
  readonly modulePath: string;
  /** go.mod's `go` line as major.minor (`1.24.3` → `1.24`), if there is one. */
  readonly goVersion?: string;
  /** The directories under cmd/ with a main.go, sorted. */
  readonly mainPackages: string[];
  /** The ports of the Dockerfile's `EXPOSE` instructions, in order. */
  readonly exposedPorts: number[];
}

/** Reads go.mod, cmd/ and the Dockerfile of a Go repository. */
export function readGoRepo(dir: string): GoRepo {
  const goMod = join(dir, 'go.mod');
  if (!existsSync(goMod)) {
    throw usageError(`adopt: there is no go.mod in ${dir}. Run adopt at the root of a Go module (or make one with go mod init <module path>)`);
  }
  const lines = readFileSync(goMod, 'utf-8').split('\n').map((l) => l.replace(/\/\/.*$/, '').trim());
  const modulePath = lines.map((l) => /^module\s+"?([^"\s]+)"?$/.exec(l)?.[1]).find((m) => m !== undefined);
  if (!modulePath) {
    throw usageError('adopt: go.mod has no module line. Add one (module example.com/<name>) and run adopt again');
  }
  const goVersion = lines.map((l) => /^go\s+(\d+\.\d+)/.exec(l)?.[1]).find((v) => v !== undefined);
  const cmd = join(dir, 'cmd');
  const mainPackages = existsSync(cmd)
    ? readdirSync(cmd, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(cmd, e.name, 'main.go'))).map((e) => e.name).sort()
    : [];
  if (mainPackages.length === 0) {
    throw usageError('adopt: found no main package in cmd/ (cmd/<name>/main.go). Move each command to cmd/<name>/ and run adopt again');
  }
  return { modulePath, goVersion, mainPackages, exposedPorts: exposedPorts(join(dir, 'Dockerfile')) };
}

/** The ports of `EXPOSE 8080` and `EXPOSE 8080/tcp` in a Dockerfile, in order. */
function exposedPorts(dockerfile: string): number[] {
  if (!existsSync(dockerfile)) return [];
  return readFileSync(dockerfile, 'utf-8').split('\n').flatMap((line) => {
    const m = /^\s*EXPOSE\s+(.+)$/i.exec(line);
    return m ? m[1].split(/\s+/).map((p) => /^(\d+)(\/tcp)?$/.exec(p)?.[1]).filter((p): p is string => p !== undefined).map(Number) : [];
  });
}
