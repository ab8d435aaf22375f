import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { cpus, totalmem } from 'os';
import { DOCKER, run } from '../test/e2e/fixtures';

export { DOCKER, run };

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a command and returns how long it took, in ms. */
export function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): number {
  return run(cmd, args, { cwd, env }).ms;
}

export function imageSize(image: string): number {
  return Number(run(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', image]).stdout.trim());
}

/** Empties BuildKit's cache, cache mounts included (`--no-cache` would keep those). */
export function pruneBuildCache(): void {
  run(DOCKER, ['builder', 'prune', '-af']);
}

/** The size of a file inside an image, read with docker cp (our images have no shell). */
export function fileSizeInImage(image: string, path: string): number {
  const id = run(DOCKER, ['create', image]).stdout.trim();
  try {
    const tar = execFileSync(DOCKER, ['cp', `${id}:${path}`, '-'], { maxBuffer: 512 * 1024 * 1024 });
    // a tar stream of one file: its size is in the header, octal, at offset 124
    return parseInt(tar.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  } finally {
    run(DOCKER, ['rm', id]);
  }
}

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly docker: string;
  readonly go: string;
  readonly node: string;
}

export function machine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf-8');
  return {
    date: new Date().toISOString(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    docker: run(DOCKER, ['version', '-f', '{{.Server.Version}}']).stdout.trim(),
    go: run('go', ['env', 'GOVERSION']).stdout.trim(),
    node: process.version,
  };
}

/** The build args that carry this machine's Go module settings, as the Makefile passes them. */
export function goEnvBuildArgs(): string[] {
  return ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS'].flatMap((k) => ['--build-arg', `${k}=${run('go', ['env', k]).stdout.trim()}`]);
}

export function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
