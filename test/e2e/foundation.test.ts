import { readFileSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, newRepo, projenNewMs, removeRepo, run, waitForHttp } from './fixtures';

/**
 * Issue 2: a user packs our package, runs `projen new --from <tgz> go-service`, and gets a Go
 * service that compiles, passes its tests, and builds into a tiny image that starts and answers
 * its health endpoint.
 */
describe('projen new --from the packed tarball, then go, make and docker', () => {
  const timings: { [step: string]: number } = {};
  let repo: string;
  const withDocker = dockerReady();

  beforeAll(() => {
    const start = Date.now();
    repo = newRepo('hello');
    timings['projen new (when the fixture was made)'] = projenNewMs('hello');
    timings['copy of the new repo'] = Date.now() - start;
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`e2e timings (ms):\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    removeRepo(repo);
  });

  test('the new repo has the generated files, a tsx-run .projenrc.ts and an unmanaged package.json', () => {
    const rc = readFileSync(join(repo, '.projenrc.ts'), 'utf-8');
    expect(rc).toContain('import { GoServiceProject } from "projen-go-service";');
    expect(rc).toContain('name: "hello",');
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf-8'));
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['constructs', 'projen', 'projen-go-service', 'tsx']);
    expect(pkg.devDependencies.tsx).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies.projen).toMatch(/^0\.103\./);
    const tasks = readFileSync(join(repo, '.projen/tasks.json'), 'utf-8');
    expect(tasks).toContain('"tsx"');
    expect(tasks).not.toContain('ts-node');
    expect(run('git', ['status', '--porcelain'], { cwd: repo }).stdout).toBe('');
    expect(run('git', ['log', '--oneline'], { cwd: repo }).stdout.trim().split('\n')).toHaveLength(1);
  });

  test('go vet and go test pass', () => {
    timings['go vet ./...'] = run('go', ['vet', './...'], { cwd: repo }).ms;
    timings['go test ./...'] = run('go', ['test', './...'], { cwd: repo }).ms;
  });

  test('make build writes a static binary to bin/hello', () => {
    timings['make build'] = run('make', ['build'], { cwd: repo }).ms;
    const elf = run('readelf', ['-d', join(repo, 'bin/hello')]).stdout;
    expect(elf).toContain('There is no dynamic section in this file.');
    const version = run(join(repo, 'bin/hello'), ['version'], { cwd: repo }).stdout;
    const commit = run('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo }).stdout.trim();
    expect(version).toContain(`(commit ${commit}, built `);
  });

  test('make help is the default goal and lists the targets', () => {
    const help = run('make', [], { cwd: repo }).stdout;
    for (const t of ['help', 'build', 'test', 'vet', 'run', 'docker-build', 'docker-run', 'compose-up', 'compose-down', 'clean']) {
      expect(help).toMatch(new RegExp(`^  ${t} +\\S`, 'm'));
    }
  });

  (withDocker ? describe : describe.skip)('with the Docker engine', () => {
    let image: string;
    let containerId: string | undefined;

    afterAll(() => {
      if (containerId) run(DOCKER, ['rm', '-f', containerId]);
    });

    test('make docker-build tags <name>:$(VERSION) and <name>:latest', () => {
      timings['make docker-build'] = run('make', ['docker-build', `DOCKER=${DOCKER}`], { cwd: repo }).ms;
      const version = run('make', ['-s', '--eval=print-version: ; @echo $(VERSION)', 'print-version'], { cwd: repo }).stdout.trim();
      image = `hello:${version}`;
      const ids = [image, 'hello:latest'].map((t) => run(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', t]).stdout.trim());
      expect(ids[0]).toBe(ids[1]);
    });

    test('the image runs as 65532, answers /healthz, passes its own health check', async () => {
      const port = await freePort();
      const start = Date.now();
      containerId = run(DOCKER, ['run', '-d', '--network=host', '--read-only', '--cap-drop', 'ALL', '-e', `PORT=${port}`, image]).stdout.trim();
      expect(await waitForHttp(`http://127.0.0.1:${port}/healthz`)).toBe(200);
      timings['container start to /healthz 200'] = Date.now() - start;
      expect(run(DOCKER, ['image', 'inspect', '-f', '{{.Config.User}}', image]).stdout.trim()).toBe('65532:65532');
      const top = run(DOCKER, ['top', containerId, '-o', 'pid,uid']).stdout.trim().split('\n').slice(1);
      expect(top.map((l) => l.trim().split(/\s+/)[1])).toEqual(['65532']);
      // the image has no shell: the binary's own healthcheck mode is the probe
      run(DOCKER, ['exec', containerId, '/usr/local/bin/hello', 'healthcheck']);
      const check = JSON.parse(run(DOCKER, ['exec', containerId, '/usr/local/bin/hello', 'selfcheck']).stdout);
      expect(check.uid).toBe(65532);
      expect(check.certs).toBeGreaterThan(50);
      expect(check.tz).toBe('Europe/Berlin');
    });

    test('the image is no bigger than the binary plus 1 MiB', () => {
      const imageBytes = Number(run(DOCKER, ['image', 'inspect', '-f', '{{.Size}}', image]).stdout.trim());
      const binaryBytes = statSync(join(repo, 'bin/hello')).size;
      // eslint-disable-next-line no-console
      console.log(`image ${imageBytes} bytes, binary ${binaryBytes} bytes, difference ${imageBytes - binaryBytes} bytes`);
      expect(imageBytes).toBeLessThanOrEqual(binaryBytes + 1024 * 1024);
    });
  });

  test('changing the port in .projenrc.ts changes the Dockerfile, compose file and Makefile; a second run changes nothing', () => {
    const rcPath = join(repo, '.projenrc.ts');
    const rc = readFileSync(rcPath, 'utf-8');
    writeFileSync(rcPath, rc.replace('name: "hello",', 'name: "hello",\n  port: 9090,'));
    // offline: the pinned tsx is local, so re-synthesis fetches nothing
    timings['npx projen (port change)'] = run('npx', ['projen'], { cwd: repo, env: { npm_config_offline: 'true' } }).ms;
    const changed = run('git', ['status', '--porcelain'], { cwd: repo }).stdout.split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(changed).toEqual(['.projenrc.ts', 'Dockerfile', 'Makefile', 'docker-compose.yml']);
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf-8')).toContain('EXPOSE 9090/tcp');
    expect(readFileSync(join(repo, 'docker-compose.yml'), 'utf-8')).toContain('- "9090:9090"');
    expect(readFileSync(join(repo, 'Makefile'), 'utf-8')).toContain('PORT=9090 ./bin/hello');
    run('git', ['commit', '-qam', 'port 9090'], { cwd: repo });
    timings['npx projen (no change)'] = run('npx', ['projen'], { cwd: repo, env: { npm_config_offline: 'true' } }).ms;
    expect(run('git', ['status', '--porcelain'], { cwd: repo }).stdout).toBe('');
  });
});
