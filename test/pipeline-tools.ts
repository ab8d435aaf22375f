import { execFileSync } from 'child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** The actionlint release the workflow tests lint with (served by the Go module proxy). */
export const ACTIONLINT_VERSION = 'v1.7.12';

/** Where the tests keep the tools they build, once per machine (outside the repository and CI's critical path). */
export const TOOLS_CACHE = process.env.PIPELINE_TOOLS_CACHE ?? join(tmpdir(), 'projen-go-service-e2e', 'tools');

/**
 * actionlint, built once from its Go module (`go install ...@ACTIONLINT_VERSION`) into the tools cache.
 * It runs shellcheck on every `run:` script when shellcheck is on PATH (Debian's `shellcheck`).
 */
export function actionlintBin(): string {
  const dir = join(TOOLS_CACHE, `actionlint-${ACTIONLINT_VERSION}`);
  const bin = join(dir, 'actionlint');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
      cwd: tmpdir(),
      env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 600_000,
    });
  }
  return bin;
}

/** Whether a command is on PATH. */
export function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The tools `make tools` installs (cosign, syft), built once into the tools cache by the same `go install
 * <package>@<version>` the Makefile runs, and copied into a repository's bin/, where `make tools` finds
 * them at their pinned versions and builds nothing.
 */
export function provideTools(repoBin: string, tools: ReadonlyArray<{ name: string; goPackage: string; version: string }>): void {
  mkdirSync(repoBin, { recursive: true });
  for (const t of tools) {
    const dir = join(TOOLS_CACHE, `${t.name}-${t.version}`);
    const bin = join(dir, t.name);
    if (!existsSync(bin)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('go', ['install', `${t.goPackage}@${t.version}`], {
        cwd: tmpdir(),
        env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0' },
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 3_600_000,
      });
    }
    copyFileSync(bin, join(repoBin, t.name));
    chmodSync(join(repoBin, t.name), 0o755);
  }
}
