import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DistrolessVariant, GoService, GoServiceProject, PostgresDatabase, RuntimeStage } from '../src';
import { newProject, synth } from './util';

const written = new WeakMap<GoServiceProject, string>();

/** Runs make on the project's Makefile in a scratch directory (no git: the fallbacks apply). */
function make(project: GoServiceProject, ...args: string[]): string {
  let dir = written.get(project);
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'pgs-make-'));
    writeFileSync(join(dir, 'Makefile'), synth(project).Makefile);
    written.set(project, dir);
  }
  return execFileSync('make', ['--no-print-directory', ...args], { cwd: dir, encoding: 'utf-8', env: { ...process.env, GO: 'go' } });
}

function shop(): GoServiceProject {
  const project = newProject({ name: 'shop', imageSizeBudgetMiB: 12 });
  new GoService(project, 'worker', { port: 9090, environment: { LOG_LEVEL: 'debug' } });
  new GoService(project, 'pdf', { port: 9091, cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC }) });
  new PostgresDatabase(project, { services: ['worker'] });
  return project;
}

describe('Makefile', () => {
  test('make help is the default goal and lists every target with its description', () => {
    const help = make(shop());
    const targets = help.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s+/)[0]);
    expect(targets).toEqual([
      'help', 'build', 'build-shop', 'build-worker', 'build-pdf', 'test', 'vet', 'fmt', 'lint', 'tidy', 'vuln',
      'run', 'run-shop', 'run-worker', 'run-pdf',
      'docker-build', 'docker-build-shop', 'docker-build-worker', 'docker-build-pdf', 'docker-build-postgres-migrate',
      'docker-buildx', 'docker-buildx-shop', 'docker-buildx-worker', 'docker-buildx-pdf',
      'docker-run', 'docker-run-shop', 'docker-run-worker', 'docker-run-pdf',
      'docker-push', 'docker-push-shop', 'docker-push-worker', 'docker-push-pdf',
      'image-size', 'secrets', 'migrate-new', 'migrate-up', 'migrate-down', 'dev', 'compose-up', 'compose-ps', 'compose-down', 'compose-logs', 'clean',
    ]);
    for (const line of help.split('\n').filter((l) => l.startsWith('  '))) {
      expect(line.trim().split(/\s{2,}/)).toHaveLength(2);
    }
  });

  test('every target parses and runs dry (make -n)', () => {
    const project = shop();
    for (const t of ['build', 'test', 'vet', 'fmt', 'tidy', 'run', 'docker-build', 'docker-buildx', 'docker-run', 'image-size', 'compose-up', 'compose-down', 'clean', 'migrate-up', 'migrate-down', 'dev']) {
      expect(() => make(project, '-n', t)).not.toThrow();
    }
  });

  test('the Go build matches the Dockerfile: same flags, tags and ldflags, from one definition', () => {
    const files = synth(newProject({ buildTags: ['netgo'], ldflags: ['-X main.edition=oss'] }));
    const flags = '-trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags netgo,timetzdata';
    expect(files.Makefile).toContain(`CGO_ENABLED=0 $(GO) build ${flags} -ldflags "-s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE) -X main.edition=oss" -o bin/hello ./cmd/hello`);
    expect(files.Dockerfile).toContain(`go build ${flags} \\\n    -ldflags "-s -w -X main.version=\${VERSION} -X main.commit=\${COMMIT} -X main.date=\${DATE} -X main.edition=oss"`);
  });

  test('make build-<svc> runs go build with the version from git (fallbacks without git)', () => {
    const dry = make(newProject(), '-n', 'build-hello');
    expect(dry.trim()).toBe('CGO_ENABLED=0 go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags timetzdata -ldflags "-s -w -X main.version=dev -X main.commit=unknown -X main.date=1970-01-01T00:00:00Z" -o bin/hello ./cmd/hello');
  });

  test('docker-build tags <image>:$(VERSION) and :latest and passes the build args; REGISTRY prefixes names', () => {
    const dry = make(newProject(), '-n', 'docker-build', 'VERSION=1.2.3', 'REGISTRY=ghcr.io/acme', 'GOPROXY=https://proxy.example.com', 'GOFLAGS=-mod=mod -x');
    expect(dry).toContain('docker build --build-arg "VERSION=1.2.3" --build-arg "COMMIT=unknown"');
    expect(dry).toContain('--build-arg "GOPROXY=https://proxy.example.com"');
    expect(dry).toContain('--build-arg "GOFLAGS=-mod=mod -x"');
    expect(dry).toContain('--target hello -t ghcr.io/acme/hello:1.2.3 -t ghcr.io/acme/hello:latest .');
  });

  test('the Go module settings come from one go env, asked once, spaces and empty values kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgs-make-'));
    writeFileSync(join(dir, 'Makefile'), synth(shop()).Makefile);
    // a go that answers go env as Go does (a line per setting, in the order asked) and logs each call
    const fake = join(dir, 'go');
    const values: { [k: string]: string } = { GOPROXY: 'https://proxy.example.com|direct', GOSUMDB: 'sum.golang.org', GONOSUMDB: '', GOPRIVATE: 'corp.example/*', GOFLAGS: '-mod=mod -tags=a,b' };
    writeFileSync(fake, [
      '#!/bin/sh',
      `echo "$*" >> ${join(dir, 'calls')}`,
      '[ "$1" = env ] || exit 1',
      'shift',
      'for v in "$@"; do case $v in',
      ...Object.entries(values).map(([k, v]) => `  ${k}) echo '${v}';;`),
      'esac; done',
      '',
    ].join('\n'), { mode: 0o755 });
    const dry = execFileSync('make', ['--no-print-directory', '-n', 'docker-build', `GO=${fake}`, 'VERSION=x'], { cwd: dir, encoding: 'utf-8' });
    for (const [k, v] of Object.entries(values)) {
      expect(dry.match(new RegExp(`--build-arg "${k}=${v.replace(/[|.*]/g, '\\$&')}"`, 'g'))).toHaveLength(4);
    }
    expect(readFileSync(join(dir, 'calls'), 'utf-8')).toBe('env GOPROXY GOSUMDB GONOSUMDB GOPRIVATE GOFLAGS\n');
    // a target that builds no image asks nothing
    rmSync(join(dir, 'calls'));
    execFileSync('make', ['--no-print-directory', '-n', 'build', `GO=${fake}`, 'VERSION=x'], { cwd: dir, encoding: 'utf-8' });
    expect(existsSync(join(dir, 'calls'))).toBe(false);
  });

  test('DOCKER and COMPOSE can be overridden; DOCKER_BUILDKIT is exported', () => {
    const project = newProject();
    expect(make(project, '-n', 'docker-build', 'DOCKER=/usr/bin/docker')).toMatch(/^\/usr\/bin\/docker build /m);
    expect(make(project, '-n', 'compose-down', 'COMPOSE=docker-compose')).toContain(' docker-compose down --remove-orphans');
    expect(make(project, '-s', '--eval=show: ; @echo $$DOCKER_BUILDKIT', 'show').trim()).toBe('1');
  });

  test('cgo services build for the native platform only with buildx', () => {
    const dry = make(shop(), '-n', 'docker-buildx');
    expect(dry).toContain('docker buildx build --platform linux/amd64,linux/arm64 ');
    expect(dry).toMatch(/docker buildx build +--build-arg .* --target pdf /);
  });

  test('run-<svc> passes the port and the environment', () => {
    expect(make(shop(), '-n', 'run-worker').trim().split('\n').pop()).toBe('PORT=9090 LOG_LEVEL=debug ./bin/worker');
  });

  test('image-size prints sizes and fails over a budget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgs-make-'));
    writeFileSync(join(dir, 'Makefile'), synth(newProject({ imageSizeBudgetMiB: 1 })).Makefile);
    const fake = join(dir, 'docker');
    writeFileSync(fake, '#!/bin/sh\necho 2097152\n', { mode: 0o755 });
    let out = '';
    try {
      execFileSync('make', ['image-size', `DOCKER=${fake}`, 'VERSION=x'], { cwd: dir, encoding: 'utf-8', stdio: 'pipe' });
    } catch (e: any) {
      out = `${e.stdout}${e.stderr}`;
    }
    expect(out).toContain('hello:x                             2097152 bytes (2.00 MiB)');
    expect(out).toContain('image-size: hello:x is over its budget of 1 MiB');
  });

  test('secrets are files made on first use, with a random password, never committed', () => {
    const dry = make(shop(), '-n', 'secrets');
    expect(dry).toContain('head -c 24 /dev/urandom');
    expect(synth(shop())['.gitignore']).toContain('/.secrets/');
  });

  test('addTarget and addVariable extend the Makefile through the model', () => {
    const project = newProject();
    project.makefile.addVariable('MIGRATE', 'migrate');
    project.makefile.addTarget({ targets: ['migrate'], description: 'Run the database migrations', recipe: ['$(MIGRATE) up'], phony: true });
    const help = make(project);
    expect(help).toMatch(/^ {2}migrate +Run the database migrations$/m);
    expect(make(project, '-n', 'migrate').trim()).toBe('migrate up');
    expect(() => project.makefile.addVariable('1X', 'y')).toThrow('makefile.addVariable: "1X" is not a make variable name. Use letters, digits and underscores.');
  });

  test('makefileRenames: your own targets keep their recipes, the generated ones answer to their new names (help shows them), make gives no warning', () => {
    // GIVEN a makefile of the team's with build and test targets, included by the generated Makefile
    const own = 'build:\n\techo own build\n\ntest:\n\techo own test\n';
    const project = newProject({ makefileIncludes: ['local.mk'], makefileRenames: { build: 'go-build', test: 'go-test' } });
    writeFileSync(join(project.outdir, 'local.mk'), own);
    const dir = mkdtempSync(join(tmpdir(), 'pgs-make-'));
    writeFileSync(join(dir, 'Makefile'), synth(project).Makefile);
    writeFileSync(join(dir, 'local.mk'), own);
    const run = (...args: string[]) => execFileSync('make', ['--no-print-directory', ...args], { cwd: dir, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
    // WHEN make runs each
    // THEN theirs run their recipes, ours answer to go-build and go-test, and nothing overrides anything
    expect(run('-n', 'build').trim()).toBe('echo own build');
    expect(run('-n', 'test').trim()).toBe('echo own test');
    expect(run('-n', 'go-test').trim()).toBe('go test ./...');
    expect(run('-n', 'go-build')).toContain('go build');
    const help = run('help');
    expect(help).toMatch(/^ {2}go-build +Build every service into bin\/ \(generated; make build is your own\)$/m);
    expect(help).toMatch(/^ {2}build-hello +Build bin\/hello$/m);
    expect(help).not.toMatch(/^ {2}build /m);
    // help lists their targets too, as make reads local.mk
    expect(help).toMatch(/\nYour own targets \(local\.mk\):\n {2}build\n {2}test\n$/);
    // bare make runs their default goal (their first target), as it did before
    expect(run()).toBe('echo own build\nown build\n');
    const warnings = spawnSync('make', ['-n', 'build'], { cwd: dir, encoding: 'utf-8' }).stderr;
    expect(warnings).toBe('');
  });

  test('with a makefile of your own: its .DEFAULT_GOAL wins, and help stays the default goal when it has no target', () => {
    const project = newProject({ makefileIncludes: ['local.mk'] });
    writeFileSync(join(project.outdir, 'local.mk'), '');
    const dir = mkdtempSync(join(tmpdir(), 'pgs-make-'));
    writeFileSync(join(dir, 'Makefile'), synth(project).Makefile);
    const run = () => execFileSync('make', ['--no-print-directory'], { cwd: dir, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
    // only variables: bare make is help
    writeFileSync(join(dir, 'local.mk'), 'GREETING ?= hi\n');
    expect(run()).toContain('Usage: make <target>');
    // a .DEFAULT_GOAL of theirs, after their first target
    writeFileSync(join(dir, 'local.mk'), 'first:\n\t@echo first\n\nchosen:\n\t@echo chosen\n\n.DEFAULT_GOAL := chosen\n');
    expect(run()).toBe('chosen\n');
  });

  test('makefileRenames: a name the Makefile does not generate, or one it generates, is refused', () => {
    const project = newProject({ makefileRenames: { biuld: 'go-build', test: 'vet' } });
    let message = '';
    try {
      synth(project);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('makefileRenames: "biuld" is not a target the Makefile generates, so there is nothing to rename.');
    expect(message).toContain('makefileRenames: "test" is renamed to "vet", which the Makefile generates itself. Choose another name, such as "go-test".');
    expect(() => newProject({ makefileRenames: { build: 'go build' } })).toThrow('makefile.renameTarget: "go build" is not a make target name.');
  });
});

describe('VERSION is an image tag', () => {
  test.each([
    ['backend/v1.16.4', /^v1\.16\.4$/],
    ['v2.0.0+build.7', /^v2\.0\.0-build\.7$/],
  ])('a commit tagged %s gives %s', (tag, version) => {
    // GIVEN a repository whose commit has a tag a Go module in a sub-directory would have
    const dir = mkdtempSync(join(tmpdir(), 'pgs-version-'));
    writeFileSync(join(dir, 'Makefile'), synth(newProject()).Makefile);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf-8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('add', 'Makefile');
    git('commit', '-q', '-m', 'x');
    git('tag', tag);
    // WHEN make works out VERSION
    const v = execFileSync('make', ['--no-print-directory', '--eval', 'print-version: ; @echo $(VERSION)', 'print-version'], { cwd: dir, encoding: 'utf-8' }).trim();
    // THEN it is a valid image tag
    expect(v).toMatch(version);
    expect(v).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
    rmSync(dir, { recursive: true, force: true });
  });
});
