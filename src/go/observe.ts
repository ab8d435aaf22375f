import { spawnSync } from 'child_process';
import { chmodSync } from 'fs';
import { join } from 'path';
import { makeScratch } from './scratch';

/** What a program did in its first seconds, run in a sandbox. */
export interface Observation {
  /** The TCP ports it listens on. */
  readonly ports: number[];
  /** Those of its ports it listens on at a loopback address only (127.0.0.1, ::1): unreachable from outside a container. */
  readonly loopbackPorts: number[];
  /** The paths it created under its working directory (relative) and /tmp (absolute). */
  readonly created: string[];
  /** It exited in that time (a command, or a server that could not start). */
  readonly exited: boolean;
  /** Its exit code, when it exited. */
  readonly exitCode?: number;
  /** The last lines it printed. */
  readonly log: string[];
}

/** Why a program could not be observed (no Docker, it did not build). */
export class ObserveError extends Error {}

/** The image the program runs in: distroless with a busybox to read /proc and list files (glibc for cgo). */
const SANDBOX = { static: 'gcr.io/distroless/static-debian13:debug-nonroot', glibc: 'gcr.io/distroless/base-debian13:debug-nonroot' };

/**
 * The program's view, for what the compiler cannot tell (an address built at run time from a
 * configuration file, say): builds `pkg` of the module in `dir` and runs it with `args` for a few
 * seconds in a container with no network but its own loopback, as an unprivileged user, on a
 * read-only root with an empty, writable working directory and /tmp; then reads the sockets it
 * listens on (/proc/net/tcp, tcp6), what it created, and whether it exited. Nothing of the
 * repository is writable to it.
 */
export interface ObserveOptions {
  readonly args?: string[];
  readonly files?: string[];
  readonly cgo?: boolean;
  readonly docker?: string;
  readonly go?: string;
  readonly seconds?: number;
}

export function observe(dir: string, pkg: string, options: ObserveOptions = {}): Observation {
  const docker = options.docker ?? 'docker';
  const go = options.go ?? 'go';
  const info = spawnSync(docker, ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf-8', timeout: 20_000 });
  if (info.status !== 0) throw new ObserveError('there is no Docker engine to run it in');
  // (the binary is built from the repository: it stays in it, src/go/scratch.ts)
  const work = makeScratch(dir, 'observe');
  const bin = work.path;
  // the unprivileged user in the container reads the binary: the directory is traversable, never writable
  chmodSync(bin, 0o755);
  try {
    const built = spawnSync(go, ['build', '-trimpath', '-o', join(bin, 'program'), pkg], {
      cwd: dir,
      encoding: 'utf-8',
      timeout: 900_000,
      env: { ...process.env, CGO_ENABLED: options.cgo ? '1' : '0', GOOS: 'linux', GOFLAGS: '-mod=readonly', GOWORK: 'off' },
    });
    if (built.status !== 0) throw new ObserveError(`it does not build: ${built.stderr.trim().split('\n').slice(-2).join(' ')}`);
    // the files it reads at run time are copied from the repository (mounted read-only) into its working directory first
    const files = (options.files ?? []).filter((f) => /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(f) && !f.split('/').includes('..'));
    const start = files.length
      ? ['--entrypoint', '/busybox/sh', '-v', `${dir}:/repo:ro`, options.cgo ? SANDBOX.glibc : SANDBOX.static, '-c',
        `cd /repo && /busybox/cp -R --parents ${files.join(' ')} /work/ && cd /work && exec /observed/program "$@"`, 'program', ...(options.args ?? [])]
      : ['--entrypoint', '/observed/program', options.cgo ? SANDBOX.glibc : SANDBOX.static, ...(options.args ?? [])];
    const run = spawnSync(docker, [
      'run', '-d', '--network', 'none', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true',
      '--user', '65532:65532', '--tmpfs', '/tmp:mode=1777', '--tmpfs', '/work:uid=65532,gid=65532,mode=0755', '-w', '/work',
      '-v', `${bin}:/observed:ro`, ...start,
    ], { encoding: 'utf-8', timeout: 60_000 });
    if (run.status !== 0) throw new ObserveError(`docker run failed: ${run.stderr.trim().split('\n').pop()}`);
    const id = run.stdout.trim();
    try {
      const deadline = Date.now() + (options.seconds ?? 4) * 1000;
      let sockets: Sockets = { ports: [], loopbackPorts: [] };
      let exited = false;
      let exitCode: number | undefined;
      while (Date.now() < deadline) {
        const state = spawnSync(docker, ['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', id], { encoding: 'utf-8' }).stdout.trim().split(' ');
        if (state[0] !== 'true') {
          exited = true;
          exitCode = Number(state[1]);
          break;
        }
        sockets = listeningPorts(docker, id);
        if (sockets.ports.length) break;
        spawnSync('sleep', ['0.25']);
      }
      const copied = (p: string) => files.some((f) => p === f || p.startsWith(`${f}/`) || f.startsWith(`${p}/`));
      const created = exited ? [] : spawnSync(docker, ['exec', id, '/busybox/find', '/work', '/tmp', '-mindepth', '1', '-maxdepth', '2'], { encoding: 'utf-8' })
        .stdout.split('\n').filter(Boolean).map((p) => (p.startsWith('/work/') ? p.slice('/work/'.length) : p)).filter((p) => !copied(p)).sort();
      const logs = spawnSync(docker, ['logs', '--tail', '5', id], { encoding: 'utf-8' });
      return { ...sockets, created, exited, exitCode, log: `${logs.stdout}${logs.stderr}`.split('\n').filter(Boolean).slice(-5) };
    } finally {
      spawnSync(docker, ['rm', '-f', id], { encoding: 'utf-8' });
    }
  } finally {
    work.remove();
  }
}

interface Sockets {
  readonly ports: number[];
  readonly loopbackPorts: number[];
}

/** The ports sockets in the container's network namespace listen on (state 0A in /proc/net/tcp and tcp6). */
function listeningPorts(docker: string, id: string): Sockets {
  const r = spawnSync(docker, ['exec', id, '/busybox/cat', '/proc/net/tcp', '/proc/net/tcp6'], { encoding: 'utf-8' });
  return r.status === 0 ? readSockets(r.stdout) : { ports: [], loopbackPorts: [] };
}

/** The listening sockets of /proc/net/tcp and tcp6 text: their ports, and the ports only a loopback address has. */
export function readSockets(procNetTcp: string): Sockets {
  const ports = new Map<number, boolean>();
  for (const line of procNetTcp.split('\n')) {
    const f = line.trim().split(/\s+/);
    const m = f.length > 3 && f[3] === '0A' ? /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/.exec(f[1]) : null;
    if (!m) continue;
    const port = parseInt(m[2], 16);
    ports.set(port, (ports.get(port) ?? true) && isLoopbackHex(m[1]));
  }
  const sorted = [...ports.keys()].sort((a, b) => a - b);
  return { ports: sorted, loopbackPorts: sorted.filter((p) => ports.get(p)) };
}

/**
 * Whether a /proc/net/tcp address is loopback: 127.x.x.x (IPv4, its bytes in host order: the first
 * octet is the last pair on the little-endian machines Docker runs on, x86-64 and arm64), ::1, or
 * ::ffff:127.x.x.x.
 */
function isLoopbackHex(hex: string): boolean {
  if (hex.length === 8) return hex.endsWith('7F');
  return hex === '00000000000000000000000001000000' || (hex.startsWith('0000000000000000FFFF0000') && hex.endsWith('7F'));
}
