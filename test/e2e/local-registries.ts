import { ChildProcess, execFileSync, spawn } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOCKER, freePort, run } from './fixtures';

/**
 * The registries a platform team runs, on loopback: a container registry (Debian's docker-registry,
 * the CNCF distribution) that serves as the org's image mirror, and an npm registry (Verdaccio, with
 * the public registry as its uplink) for the org's template.
 */

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

function which(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Running {
  readonly url: string;
  stop(): void;
}

/** Debian's docker-registry on a free loopback port, with its storage in a temp dir. */
export async function startImageRegistry(): Promise<Running & { host: string }> {
  if (!which('docker-registry')) {
    throw new Error('docker-registry is not installed: apt-get install docker-registry (.ci/run does)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pgs-registry-'));
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log: { level: warn }',
    `storage: { filesystem: { rootdirectory: ${dir}/data }, delete: { enabled: true } }`,
    `http: { addr: 127.0.0.1:${port} }`,
    '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore', detached: true });
  await waitFor(`http://127.0.0.1:${port}/v2/`);
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    stop: () => stop(child, dir),
  };
}

/** Pushes a local image to the registry under `<host>/<name>` and returns the pushed manifest digest. */
export function pushImage(host: string, local: string, name = local): string {
  const target = `${host}/${name}`;
  run(DOCKER, ['tag', local, target]);
  const out = run(DOCKER, ['push', target]).stdout;
  const m = /digest: (sha256:[a-f0-9]{64})/.exec(out);
  if (!m) throw new Error(`no digest in docker push output:\n${out}`);
  return m[1];
}

/** The Verdaccio release that still runs on Node 20 (6.9 and later need Node 22). */
const VERDACCIO = '6.8.0';

/** Installs Verdaccio once into a cached directory. */
function verdaccioBin(): string {
  const dir = join(tmpdir(), 'projen-go-service-e2e', `verdaccio-${VERDACCIO}`);
  const bin = join(dir, 'node_modules', '.bin', 'verdaccio');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    // verdaccio-audit asks for node-fetch@cjs, a dist-tag the registry mirror here does not carry
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: 'verdaccio-runner',
      private: true,
      dependencies: { verdaccio: VERDACCIO },
      overrides: { 'node-fetch': '2.7.0' },
    }));
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
  }
  return bin;
}

/** Verdaccio on a free loopback port: local `@acme/*` and `projen-go-service`, the rest from npmjs. */
export async function startNpmRegistry(): Promise<Running & { npmrc: string }> {
  const bin = verdaccioBin();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pgs-verdaccio-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, [
    `storage: ${dir}/storage`,
    `auth: { htpasswd: { file: ${dir}/htpasswd, max_users: 10 } }`,
    'uplinks: { npmjs: { url: "https://registry.npmjs.org/", timeout: 60s } }',
    'packages:',
    "  '@acme/*': { access: $all, publish: $authenticated }",
    "  'projen-go-service': { access: $all, publish: $authenticated }",
    "  '**': { access: $all, publish: $authenticated, proxy: npmjs }",
    'log: { type: stdout, format: pretty, level: error }',
    '',
  ].join('\n'));
  const child = spawn(bin, ['--config', config, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ping`);
  const res = await fetch(`${url}/-/user/org.couchdb.user:platform`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'platform', password: 'platform-team' }),
  });
  const { token } = await res.json() as { token: string };
  // a user config of its own: the registry and the token, plus this machine's CA file
  const npmrc = join(dir, 'npmrc');
  writeFileSync(npmrc, [
    `registry=${url}/`,
    `//127.0.0.1:${port}/:_authToken=${token}`,
    'cafile=/etc/ssl/certs/ca-certificates.crt',
    'audit=false',
    'fund=false',
    'update-notifier=false',
    '',
  ].join('\n'));
  return { url, npmrc, stop: () => stop(child, dir) };
}

function stop(child: ChildProcess, dir: string): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true });
}
