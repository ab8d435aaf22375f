import { execFileSync } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
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
