import { ChildProcess, execFileSync, ExecFileSyncOptions, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';

/** This repository. */
export const REPO = resolve(__dirname, '..', '..');

/** The docker client the tests use (engine-up's wrapper). */
export const DOCKER = '/usr/bin/docker';

const ROOT = join(tmpdir(), 'projen-go-service-e2e');

/** Identity for the commits that `projen new` and the tests make. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'e2e',
  GIT_AUTHOR_EMAIL: 'e2e@example.com',
  GIT_COMMITTER_NAME: 'e2e',
  GIT_COMMITTER_EMAIL: 'e2e@example.com',
};

export interface RunResult {
  readonly stdout: string;
  readonly ms: number;
}

/** The environment of the commands the tests run: jest's NODE_ENV=test would silence projen's logger. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV, ...extra };
  if (!('NODE_ENV' in extra)) delete env.NODE_ENV;
  return env;
}

/** Runs a command; on failure the error carries its output. */
export function run(cmd: string, args: string[], options: ExecFileSyncOptions & { quiet?: boolean } = {}): RunResult {
  const start = Date.now();
  try {
    const stdout = execFileSync(cmd, args, {
      encoding: 'utf-8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      ...options,
      env: childEnv(options.env),
    }) as string;
    return { stdout, ms: Date.now() - start };
  } catch (e: any) {
    const out = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim();
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${e.status}) in ${options.cwd ?? process.cwd()}:\n${out.slice(-8000)}`);
  }
}

/** Runs a command that is expected to fail; returns its exit status and output. */
export function runFailing(cmd: string, args: string[], options: ExecFileSyncOptions = {}): { status: number; output: string } {
  try {
    execFileSync(cmd, args, { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], ...options, env: childEnv(options.env) });
  } catch (e: any) {
    return { status: e.status, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
  throw new Error(`${cmd} ${args.join(' ')} succeeded, and was expected to fail`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A lock is stale when the process that took it has ended (a run killed half-way, or another run
 * sharing $TMPDIR that crashed), or, when its owner cannot be told, after 15 minutes.
 */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf-8'));
    process.kill(pid, 0);
    return false;
  } catch (e: any) {
    if (e.code === 'ESRCH') return true;
    if (!existsSync(lock)) return false;
    return Date.now() - statSync(lock).mtimeMs > 15 * 60_000;
  }
}

/**
 * Runs `make` once across jest workers: the first caller creates `dir` with it, the others wait for
 * it. Keyed by a hash of this package's sources, so a change of src/ makes new fixtures.
 */
function once(dir: string, make: (dir: string) => void): string {
  const done = join(dir, '.done');
  const lock = `${dir}.lock`;
  for (;;) {
    if (existsSync(done)) return dir;
    mkdirSync(dirname(lock), { recursive: true });
    try {
      mkdirSync(lock, { recursive: false });
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      if (lockIsStale(lock)) rmSync(lock, { recursive: true, force: true });
      sleep(500);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      make(dir);
      writeFileSync(done, new Date().toISOString());
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** What the fixtures are made from: the sources and everything the release build reads. */
const FIXTURE_INPUTS = ['src', 'package.json', 'package-lock.json', '.projenrc.ts', '.npmignore', 'tsconfig.json'];

function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else {
      h.update(relative(REPO, p)).update(readFileSync(p));
    }
  };
  for (const input of FIXTURE_INPUTS) walk(join(REPO, input));
  return h.digest('hex').slice(0, 16);
}

const HASH = sourceHash();
const FIXTURES = join(ROOT, HASH);

/**
 * The fixtures of other source hashes that nothing has touched for a day go (a release build and the
 * repositories made from it: 100-400 MB each; on a developer's machine one set per edit of src piled up
 * until the disk was full). Those of this hash, the shared tools and anything newer stay.
 */
function pruneOldFixtures(maxAgeMs = 24 * 3600_000): void {
  if (!existsSync(ROOT)) return;
  for (const name of readdirSync(ROOT)) {
    if (name === HASH || !/^[0-9a-f]{16}$/.test(name)) continue;
    const dir = join(ROOT, name);
    try {
      if (Date.now() - statSync(dir).mtimeMs > maxAgeMs) rmSync(dir, { recursive: true, force: true });
    } catch {
      // (another process removed it first)
    }
  }
}
pruneOldFixtures();

/**
 * The files a clean clone of this repository has, as they are in the working tree: the tracked ones
 * and the new ones git does not ignore. Never node_modules: in a git worktree it is often a symlink
 * to the main checkout's (which .gitignore's `/node_modules/`, a directory pattern, does not match),
 * and `npm ci` in a copy holding that symlink empties the main checkout's node_modules through it.
 */
export function cloneFiles(root = REPO): string[] {
  const out = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root }).stdout;
  // node_modules is never part of a clone, even as a symlink (.gitignore's /node_modules/ matches directories only,
  // and npm ci in the copy would empty the directory a copied link points at)
  return [...new Set(out.split('\0'))].filter((f) => f !== '' && f.split('/')[0] !== 'node_modules' && existsSync(join(root, f))).sort();
}

/** Copies what a clean clone of `root` holds into `dest`. */
export function cleanCopy(dest: string, root = REPO): void {
  for (const f of cloneFiles(root)) {
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(root, f), join(dest, f), { verbatimSymlinks: true });
  }
}

/** The environment of jsii and jsii-pacmak: no banner about Node's end of life in every log. */
export const JSII_ENV = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };

/** How long each step of the release build took, in ms, when the tarball was made. */
export interface ReleaseBuild {
  /** The tarball jsii-pacmak wrote, as a release publishes it. */
  readonly tarball: string;
  /** step → ms */
  readonly steps: { [step: string]: number };
  /** What `git status --porcelain` says in the clean copy after the build (nothing when the route leaves no diff). */
  readonly gitStatus: string;
}

/**
 * This package built the way a release builds it, on a clean copy (a git repository of the files a
 * clone has): `npm ci`, then projen's own route, `npx projen default`, `compile`, `post-compile`
 * (API.md) and `package`, which writes `dist/js/projen-go-service@<version>.jsii.tgz`. The end-to-end
 * tests install exactly that tarball. Made once per source hash.
 */
export function releaseBuild(): ReleaseBuild {
  const dir = once(join(FIXTURES, 'release'), (d) => {
    const clone = join(d, 'clone');
    cleanCopy(clone);
    run('git', ['init', '-q', '-b', 'main'], { cwd: clone });
    run('git', ['add', '-A'], { cwd: clone });
    run('git', ['commit', '-q', '-m', 'clean copy'], { cwd: clone });
    const steps: { [step: string]: number } = {};
    steps['npm ci'] = run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone }).ms;
    for (const task of ['default', 'compile', 'post-compile', 'package']) {
      steps[`npx projen ${task}`] = run('npx', ['projen', task], { cwd: clone, env: JSII_ENV }).ms;
    }
    const gitStatus = run('git', ['status', '--porcelain'], { cwd: clone }).stdout;
    const tgz = readdirSync(join(clone, 'dist', 'js')).filter((f) => f.endsWith('.tgz'));
    if (tgz.length !== 1) throw new Error(`npx projen package wrote ${tgz.length} tarballs to dist/js: ${tgz.join(', ')}`);
    cpSync(join(clone, 'dist', 'js', tgz[0]), join(d, tgz[0]));
    writeFileSync(join(d, 'release.json'), JSON.stringify({ tarball: tgz[0], steps, gitStatus }, undefined, 2));
    rmSync(clone, { recursive: true, force: true });
  });
  const r = JSON.parse(readFileSync(join(dir, 'release.json'), 'utf-8'));
  return { tarball: join(dir, r.tarball), steps: r.steps, gitStatus: r.gitStatus };
}

/** The tarball a release of this package publishes (see releaseBuild). */
export function packedTarball(): string {
  return releaseBuild().tarball;
}

/** The local projen CLI (our pinned devDependency: the version the README's quick start pins). */
const PROJEN = join(REPO, 'node_modules', '.bin', 'projen');

/**
 * A repository made by `projen new --from <tarball> go-service <args>`, made once per source hash
 * and copied for each caller (the copy sits at the same depth, so package.json's relative `file:`
 * path to the tarball still resolves).
 */
export function newRepo(name = 'hello', args: string[] = []): string {
  const key = createHash('sha256').update(JSON.stringify([name, args])).digest('hex').slice(0, 8);
  const base = once(join(FIXTURES, `new-${key}`), (d) => {
    const tgz = packedTarball();
    const dir = join(d, name);
    mkdirSync(dir);
    const r = run(PROJEN, ['new', '--from', tgz, 'go-service', ...args], { cwd: dir });
    writeFileSync(join(d, 'projen-new.log'), `${r.ms} ms\n${r.stdout}`);
  });
  const work = mkdtempSync(join(FIXTURES, 'w-'));
  cpSync(join(base, name), join(work, name), { recursive: true, verbatimSymlinks: true });
  return join(work, name);
}

/** How long `projen new` took when the fixture was made, in ms. */
export function projenNewMs(name = 'hello', args: string[] = []): number {
  const key = createHash('sha256').update(JSON.stringify([name, args])).digest('hex').slice(0, 8);
  const log = join(FIXTURES, `new-${key}`, 'projen-new.log');
  return existsSync(log) ? parseInt(readFileSync(log, 'utf-8'), 10) : NaN;
}

/** Whether the Docker engine answers. In CI a missing engine is a failure, never a skip. */
export function dockerReady(): boolean {
  try {
    execFileSync(DOCKER, ['info'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    if (process.env.CI) {
      throw new Error('No Docker engine answers, and this is CI: the end-to-end tests need one. Run ../shared/docker/engine-up first (.ci/run does).');
    }
    // eslint-disable-next-line no-console
    console.warn('SKIPPED: the Docker parts of the end-to-end tests, because no Docker engine answers. Run ../shared/docker/engine-up to include them.');
    return false;
  }
}

/** The team's real Kubernetes (API server, controllers, one node): ../shared/k8s/cluster-up. */
export const CLUSTER_UP = resolve(REPO, '..', 'shared', 'k8s', 'cluster-up');
export const KUBECTL = '/usr/local/lib/cluster-up/bin/kubectl';
export const KUBECONFIG = '/tmp/cluster-up/admin.kubeconfig';

/**
 * Whether the cluster (with its node) is up. In CI it is started when it is not (.ci/run has started
 * it already: then this takes 0.3 s), and a cluster that cannot start is a failure, never a skip.
 * Elsewhere a cluster that is not up is skipped, with the reason (starting it may mean building
 * Kubernetes).
 */
export function clusterReady(): boolean {
  const why = (() => {
    if (!existsSync(CLUSTER_UP)) return `${CLUSTER_UP} does not exist`;
    const args = process.env.CI ? ['--node'] : ['--status'];
    let r = spawnSync(CLUSTER_UP, args, { encoding: 'utf-8', timeout: 60 * 60_000 });
    if (r.status !== 0 && process.env.CI) {
      // cluster-up's first start on a fresh machine sometimes reports a component as exited: once more
      spawnSync(join(dirname(CLUSTER_UP), 'cluster-down'), [], { encoding: 'utf-8' });
      r = spawnSync(CLUSTER_UP, args, { encoding: 'utf-8', timeout: 60 * 60_000 });
    }
    if (r.status === 0 && !process.env.CI && !/node/.test(`${r.stdout}${r.stderr}`)) return 'the cluster is up without a node (run cluster-up --node)';
    return r.status === 0 && existsSync(KUBECTL) ? undefined : `cluster-up ${args[0]} says it is not up (exit ${r.status}):\n${(r.stderr ?? '').slice(-4000)}`;
  })();
  if (why === undefined) return true;
  if (process.env.CI) {
    throw new Error(`The Kubernetes end-to-end tests need a real cluster, and this is CI: ${why}`);
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: the Kubernetes end-to-end tests, because ${why}.`);
  return false;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as any).port;
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/**
 * `kubectl port-forward` to a pod, deployment or service of the team's cluster (it has no kube-proxy):
 * resolves once kubectl says it forwards, with the local port and the process (kill it when done).
 */
export async function portForward(namespace: string, target: string, remotePort: number): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(KUBECTL, ['-n', namespace, 'port-forward', target, `${port}:${remotePort}`], {
    env: { ...process.env, KUBECONFIG },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error(`kubectl port-forward ${target} did not start`));
    }, 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('Forwarding from')) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  return { port, process: child };
}

/** Polls a URL until it answers, and returns the status. */
export async function waitForHttp(url: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      return res.status;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

/** Writes a file that may be read-only (generated), keeping its mode. */
export function writeFileForce(path: string, content: string): void {
  const mode = statSync(path).mode;
  chmodSync(path, 0o644);
  writeFileSync(path, content);
  chmodSync(path, mode);
}

/**
 * A hash of a repository's tree (names, modes, contents, links), node_modules aside, and the paths in
 * `skip` (`.git/index`, git's cache of file times, which any `git status` may rewrite).
 */
export function treeHash(root: string, skip: string[] = []): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (rel === 'node_modules' || skip.includes(rel)) continue;
      const st = lstatSync(p);
      h.update(`${rel}\0${st.mode}\0`);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else h.update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

/** The fixture repositories of real shapes (test/fixtures/repos). */
export const FIXTURE_REPOS = join(REPO, 'test', 'fixtures', 'repos');

/**
 * Copies a fixture repository to `dest`. Dot files are kept as `dot-<name>` in ours (so that a
 * fixture's .gitignore or .gitattributes does not apply to this repository) and get their names back.
 */
export function copyFixture(name: string, dest: string): string {
  cpSync(join(FIXTURE_REPOS, name), dest, { recursive: true });
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (n.startsWith('dot-')) renameSync(p, join(d, `.${n.slice('dot-'.length)}`));
      else if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dest);
  return dest;
}

/** Removes a work copy made by newRepo. */
export function removeRepo(dir: string): void {
  if (dir && !process.env.KEEP_E2E) rmSync(resolve(dir, '..'), { recursive: true, force: true });
}

/** Where scripts/docker-plugins installs buildx. */
export const REAL_BUILDX = '/usr/local/lib/docker/cli-plugins/docker-buildx';

/**
 * Compose v2 builds on this engine, which has no default bridge network (../shared/docker/README.md):
 * its `docker build` wrapper adds --network=host, which Compose v2's builds (buildx bake) do not go
 * through. For this engine only, never in the generated files: an override that builds the given
 * services on the host network, and a buildx that grants bake that entitlement (bake has no setting
 * for it, and compose cannot pass it). Returns the DOCKER_CONFIG to run compose with.
 */
export function hostNetworkBuilds(repo: string, services: string[]): string {
  writeFileSync(join(repo, 'docker-compose.override.yml'), `services:\n${services.map((s) => `  ${s}:\n    build:\n      network: host\n`).join('')}`);
  const config = mkdtempSync(join(tmpdir(), 'pgs-docker-config-'));
  mkdirSync(join(config, 'cli-plugins'));
  const buildx = join(config, 'cli-plugins', 'docker-buildx');
  writeFileSync(buildx, [
    '#!/bin/sh',
    `real=${REAL_BUILDX}`,
    'if [ "$1" = bake ]; then shift; exec "$real" bake --allow network.host "$@"; fi',
    'exec "$real" "$@"',
    '',
  ].join('\n'));
  chmodSync(buildx, 0o755);
  return config;
}

/**
 * What a run may leave only while it runs: files beside their targets, old versions, journals, the lock, adopt's work.
 * None may remain after a run (or the next run after a kill).
 */
export function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(d, e.name);
      if (/\.projen-(tmp|orig|old)$|go-service\.(journal|adopt|edit|lock|scratch)/.test(p)) out.push(relative(dir, p));
      else if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
