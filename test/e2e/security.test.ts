import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOCKER, dockerReady, newRepo, removeRepo, run } from './fixtures';

/**
 * The build context stays small and clean whatever lies around (issue 4), no secret reaches an image
 * (issue 6), the default image holds only the binary and the CA bundle, and the same commit builds
 * the same layers (issue 6).
 */
const SECRET = 'hunter2-do-not-ship-this';
const CONTEXT_BUDGET = 256 * 1024;

const withDocker = dockerReady();

(withDocker ? describe : describe.skip)('build context, secrets and reproducibility with the real engine', () => {
  let repo: string;
  const report: string[] = [];

  beforeAll(() => {
    repo = newRepo('hello');
    // what lies around in a real checkout: a big node_modules, a big .git, secrets of every kind
    mkdirSync(join(repo, 'node_modules', 'big'), { recursive: true });
    run('sh', ['-c', 'head -c 41943040 /dev/urandom > node_modules/big/blob.bin'], { cwd: repo });
    run('sh', ['-c', 'head -c 20971520 /dev/urandom > history.bin && git add history.bin && git commit -qm big && git rm -q history.bin && git commit -qm gone'], { cwd: repo });
    writeFileSync(join(repo, '.env'), `API_TOKEN=${SECRET}\n`);
    mkdirSync(join(repo, '.secrets'));
    writeFileSync(join(repo, '.secrets', 'postgres_password'), SECRET);
    mkdirSync(join(repo, 'internal', 'tls'), { recursive: true });
    writeFileSync(join(repo, 'internal', 'tls', 'server.key'), `-----BEGIN PRIVATE KEY-----\n${SECRET}\n`);
    writeFileSync(join(repo, 'internal', 'tls', 'doc.go'), 'package tls\n');
    writeFileSync(join(repo, 'cmd', 'hello', '.env.local'), `TOKEN=${SECRET}\n`);
    // the service imports the package that holds the key: the package is in the context, the key never
    writeFileSync(join(repo, 'cmd', 'hello', 'tls.go'), 'package main\n\nimport _ "example.com/hello/internal/tls"\n');
    run('npx', ['projen'], { cwd: repo });
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`build context and reproducibility:\n  ${report.join('\n  ')}`);
    removeRepo(repo);
  });

  test('the engine receives a small context without .git, node_modules or secrets', () => {
    const out = run('sh', ['-c', `make -s --eval='ctx: ; $(DOCKER) build $(DOCKER_BUILD_ARGS) --progress=plain --target builder -t pgs-context:test . 2>&1' ctx DOCKER=${DOCKER}`], { cwd: repo }).stdout;
    const sizes = [...out.matchAll(/transferring context: ([\d.]+)([kMG]?B)/g)].map((m) => Number(m[1]) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 } as any)[m[2]]);
    expect(sizes.length).toBeGreaterThan(0);
    const context = Math.max(...sizes);
    report.push(`context sent to the engine: ${context} bytes (budget ${CONTEXT_BUDGET}), with a 40 MiB node_modules and a 20 MiB .git beside it`);
    expect(context).toBeLessThan(CONTEXT_BUDGET);
    const files = run(DOCKER, ['run', '--rm', '--network=none', 'pgs-context:test', 'find', '/src', '-type', 'f']).stdout.trim().split('\n').sort();
    expect(files).toEqual(['/src/cmd/hello/main.go', '/src/cmd/hello/main_test.go', '/src/cmd/hello/tls.go', '/src/go.mod', '/src/internal/tls/doc.go']);
  });

  test('no secret in the image layers, its history or its config; the default image is the binary and the CA bundle', () => {
    run('make', ['docker-build', `DOCKER=${DOCKER}`, 'VERSION=sec'], { cwd: repo });
    const history = run(DOCKER, ['history', '--no-trunc', 'hello:sec']).stdout;
    const config = run(DOCKER, ['image', 'inspect', 'hello:sec']).stdout;
    expect(history).not.toContain(SECRET);
    expect(config).not.toContain(SECRET);
    // the image's own layers, as docker save writes them
    const dir = mkdtempSync(join(tmpdir(), 'pgs-save-'));
    try {
      run('sh', ['-c', `${DOCKER} save hello:sec | tar -xf - -C ${dir}`]);
      const layers = run('sh', ['-c', 'find . -name layer.tar'], { cwd: dir }).stdout.trim().split('\n');
      expect(layers).toHaveLength(1);
      const layer = readFileSync(join(dir, layers[0]));
      expect(layer.includes(Buffer.from(SECRET))).toBe(false);
      const files = run('tar', ['-tf', join(dir, layers[0])]).stdout.trim().split('\n').filter((f) => !f.endsWith('/')).sort();
      expect(files).toEqual(['etc/ssl/certs/ca-certificates.crt', 'usr/local/bin/hello']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same commit built twice with --no-cache gives the same layer digests', () => {
    const layers = [1, 2].map((i) => {
      run('make', ['-s', `--eval=again: ; $(DOCKER) build --no-cache $(DOCKER_BUILD_ARGS) --target hello -t hello:repro${i} .`, 'again', `DOCKER=${DOCKER}`], { cwd: repo });
      return run(DOCKER, ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', `hello:repro${i}`]).stdout.trim();
    });
    report.push(`layer digests of two --no-cache builds: ${layers[0]} and ${layers[1]} (${layers[0] === layers[1] ? 'equal' : 'DIFFERENT'})`);
    expect(layers[1]).toBe(layers[0]);
    const ids = [1, 2].map((i) => run(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', `hello:repro${i}`]).stdout.trim());
    report.push(`image ids: ${ids[0] === ids[1] ? 'equal' : 'different (this engine\'s BuildKit stamps the config with the build time; see the README)'}`);
  });
});
