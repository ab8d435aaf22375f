import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { main } from '../../src/cli/index';

/**
 * What adopt reads from a Go repository and the .projenrc.ts it plans (--dry-run, without
 * node_modules: nothing is synthesized, nothing is written).
 */
function adopt(files: { [path: string]: string }, args: string[] = [], dirName = 'shop'): { code: number; out: string; err: string } {
  const root = mkdtempSync(join(tmpdir(), 'cli-adopt-'));
  const dir = join(root, dirName);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = main(['adopt', '--dry-run', ...args], { cwd: dir, io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The .projenrc.ts in a dry run's diff. */
function planned(out: string): string {
  return out.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).map((l) => l.slice(1)).join('\n');
}

/** A command: it does its job and exits. */
const MAIN = 'package main\n\nfunc main() {}\n';

/** A server that reads its port from $PORT. */
const SERVER = [
  'package main', '', 'import (', '\t"net/http"', '\t"os"', ')', '',
  'func main() {', '\tport := os.Getenv("PORT")', '\tif port == "" {', '\t\tport = "8080"', '\t}', '\t_ = http.ListenAndServe(":"+port, nil)', '}', '',
].join('\n');

test('the name from the module path (a /vN suffix skipped), the Dockerfile\'s package as the default service, EXPOSE for it, the go line kept', () => {
  const r = adopt({
    'go.mod': 'module github.com/acme/shop/v2 // the shop\n\ngo 1.24.3\n\ntoolchain go1.26.0\n',
    'cmd/shop/main.go': SERVER.replace('"8080"', '"8081"'),
    'cmd/web/main.go': SERVER.replace('os.Getenv("PORT")', 'os.Getenv("PORT")').replace('"8080"', '"9000"'),
    'cmd/tools/README.md': 'not a main package',
    'Dockerfile': 'FROM golang AS build\nRUN go build -o /app ./cmd/web\nFROM scratch\nexpose 9000/tcp 9100\n',
  }, [], 'checkout');
  expect(r.code).toBe(0);
  expect(planned(r.out)).toContain([
    'const project = new GoServiceProject({',
    "  name: 'shop',",
    "  modulePath: 'github.com/acme/shop/v2',",
    "  goVersion: '1.26',",
    "  goDirective: '1.24.3',",
    '  port: 9000,',
    '  healthCheck: HealthCheck.tcp(),',
    "  mainPackage: './cmd/web',",
    '});',
    '',
    "new GoService(project, 'shop-server', { port: 8081, mainPackage: './cmd/shop', healthCheck: HealthCheck.tcp() });",
    'project.synth();',
  ].join('\n'));
  expect(planned(r.out)).toContain("import { GoService, GoServiceProject, HealthCheck } from 'projen-go-service';");
  expect(r.out).toContain('would write package.json (projen-go-service from ^');
});

test('no Dockerfile: a server is the default service over a command, which gets server: false', () => {
  const r = adopt({ 'go.mod': 'module example.com/shop\n\ngo 1.25\n', 'cmd/admin/main.go': MAIN, 'cmd/api/main.go': SERVER, 'cmd/jobs/main.go': MAIN });
  expect(planned(r.out)).toContain([
    "  name: 'shop',",
    "  modulePath: 'example.com/shop',",
    "  goVersion: '1.25',",
    '  port: 8080,',
    '  healthCheck: HealthCheck.tcp(),',
    "  mainPackage: './cmd/api',",
    '});',
    '',
    "new GoService(project, 'admin', { server: false });",
    "new GoService(project, 'jobs', { server: false });",
  ].join('\n'));
});

test('main in the module root, in a file not named main.go', () => {
  const r = adopt({ 'go.mod': 'module example.com/shop\n\ngo 1.25\n', 'app.go': SERVER, 'internal/x/x.go': 'package x\n' });
  expect(planned(r.out)).toContain("  healthCheck: HealthCheck.tcp(),\n  mainPackage: '.',\n});");
});

test('--name and --port win', () => {
  const r = adopt({ 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': SERVER, 'Dockerfile': 'EXPOSE 8000\n' }, ['--name', 'api', '--port', '7000']);
  expect(planned(r.out)).toContain("  name: 'api',\n  modulePath: 'example.com/shop',\n  port: 7000,\n  healthCheck: HealthCheck.tcp(),\n});");
});

test("the .gitignore's patterns and the .gitattributes' rules are carried into .projenrc.ts", () => {
  const r = adopt({
    'go.mod': 'module example.com/shop\n',
    'cmd/shop/main.go': SERVER,
    '.gitignore': '# outputs\n/bin/\n\n*.out\n!keep.out\n',
    '.gitattributes': '# encrypted\nsecrets/** filter=git-crypt diff=git-crypt\n',
  });
  expect(planned(r.out)).toContain([
    '// from your .gitignore (kept as .pre-projen/.gitignore)',
    "project.gitignore.addPatterns('/bin/', '*.out', '!keep.out');",
    '// from your .gitattributes (kept as .pre-projen/.gitattributes)',
    "project.gitattributes.addAttributes('secrets/**', 'filter=git-crypt', 'diff=git-crypt');",
    'project.synth();',
  ].join('\n'));
});

describe('the makefile make reads (GNUmakefile, then makefile, then Makefile) becomes local.mk; generated namesakes of its targets are renamed', () => {
  test('a lowercase makefile: its build, test and docker-build keep their recipes, the generated ones become go-<name>', () => {
    // GIVEN a makefile (lowercase) whose targets, some from an included file, have generated namesakes
    const r = adopt({
      'go.mod': 'module example.com/shop\n',
      'cmd/shop/main.go': SERVER,
      'makefile': 'include tools.mk\n.PHONY: build test\nbuild:\n\tgo build ./...\ntest: build\n\tgo test ./...\n%.pb.go: %.proto\n\tprotoc $<\n',
      'tools.mk': 'docker-build:\n\tdocker build .\ngenerate:\n\tgo generate ./...\n',
    });
    // WHEN adopt plans
    // THEN the makefile goes to local.mk, and the generated build, test and docker-build are renamed
    expect(r.code).toBe(0);
    expect(planned(r.out)).toContain([
      "  makefileIncludes: ['local.mk'],",
      "  makefileRenames: { build: 'go-build', test: 'go-test', 'docker-build': 'go-docker-build' },",
      '});',
    ].join('\n'));
    expect(r.out).toContain('would move makefile to local.mk, which the generated Makefile includes');
    expect(r.out).toContain("your makefile's targets build, test, docker-build keep their names and recipes (read by make); the generated ones are go-build, go-test, go-docker-build (makefileRenames; make help lists them).");
  });

  test('GNUmakefile wins: it becomes local.mk, and a makefile beside it (which make would read before the generated Makefile) is moved aside', () => {
    const r = adopt({
      'go.mod': 'module example.com/shop\n',
      'cmd/shop/main.go': SERVER,
      'GNUmakefile': 'lint:\n\tgolangci-lint run\nbuild-shop:\n\tgo build ./cmd/shop\n',
      'makefile': 'old:\n\ttrue\n',
    });
    expect(r.out).toContain('would move GNUmakefile to local.mk, which the generated Makefile includes');
    expect(r.out).toContain('would move makefile to .pre-projen/makefile\n');
    expect(planned(r.out)).toContain("  makefileRenames: { lint: 'go-lint', 'build-shop': 'go-build-shop' },");
  });

  test('a Makefile without namesakes: included, nothing renamed', () => {
    const r = adopt({ 'go.mod': 'module example.com/shop\n', 'cmd/shop/main.go': SERVER, 'Makefile': 'generate:\n\tgo generate ./...\n' });
    expect(planned(r.out)).toContain("  makefileIncludes: ['local.mk'],\n});");
    expect(planned(r.out)).not.toContain('makefileRenames');
  });
});

test('a makefile that sets VERSION and image variables with their tag (team-make-variables): the generated image variables are renamed, the tag is made from their VERSION', () => {
  // GIVEN the lowercase makefile of a team, several mains
  // WHEN adopt plans
  const r = adopt(fixture('team-make-variables'), [], 'ledger');
  // THEN the generated side is renamed, on the project, on the service whose variable they set, not on the others
  expect(r.code).toBe(0);
  const rc = planned(r.out);
  expect(rc).toContain("  imageVariable: 'GO_LEDGER_IMAGE',\n");
  expect(rc).toContain("new GoService(project, 'worker', { port: 7610, portVariable: 'WORKER_PORT', healthCheck: HealthCheck.tcp(), versionVariables: { version: 'main.version' }, imageVariable: 'GO_WORKER_IMAGE' });");
  expect(rc).toContain("new GoService(project, 'seed', { server: false, versionVariables: { version: 'main.version' } });");
  expect(rc).toContain("  imageTagVariable: 'IMAGE_TAG',\n");
  expect(r.out).toContain('your makefile sets LEDGER_IMAGE, WORKER_IMAGE (its own image names, which make would give the generated targets too)');
  expect(r.out).toContain('your makefile sets VERSION: it stays yours and stamps the binaries');
});

/** The files of a fixture repository (test/fixtures/repos/<name>), by path. */
function fixture(name: string): { [path: string]: string } {
  const root = join(__dirname, '..', 'fixtures', 'repos', name);
  const files: { [path: string]: string } = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else files[p] = readFileSync(join(root, p), 'utf-8');
    }
  };
  walk('');
  return files;
}

test("the repository's view (team-setup): the Dockerfile's and .goreleaser.yaml's facts, the compose file's services, the other Dockerfile's context, the makefile's targets", () => {
  // GIVEN a repository whose own files say how it is built, run and developed
  // WHEN adopt plans
  const r = adopt(fixture('team-setup'), [], 'relay');
  // THEN .projenrc.ts says all of it
  expect(r.code).toBe(0);
  expect(planned(r.out)).toContain([
    "import { GoServiceProject, HealthCheck, PostgresDatabase } from 'projen-go-service';",
    '',
    'const project = new GoServiceProject({',
    "  name: 'relay',",
    "  modulePath: 'example.com/relay',",
    "  goVersion: '1.25',",
    '  port: 8090,',
    "  healthCheck: HealthCheck.http({ path: '/livez' }),",
    "  workdir: '/srv',",
    "  files: { 'templates': 'templates', 'migrations': 'db/migrations' },",
    "  versionVariables: { version: 'example.com/relay/internal/build.Tag', commit: 'example.com/relay/internal/build.GitSHA', date: 'example.com/relay/internal/build.Timestamp' },",
    "  buildTags: ['netgo', 'osusergo'],",
    "  ldflags: ['-X example.com/relay/internal/build.Edition=enterprise'],",
    "  imageEnvironment: { RELAY_MODE: 'production' },",
    "  args: ['-greeting', 'hi'],",
    "  dockerfileIgnores: { 'build/Dockerfile.dev': ['.git', '*.md', 'bin/'] },",
    "  makefileIncludes: ['local.mk'],",
    "  makefileRenames: { build: 'go-build', test: 'go-test' },",
    '});',
    '',
    "new PostgresDatabase(project, { name: 'db', image: 'postgres:16.4-alpine', user: 'relay', services: ['relay'], migrations: false });",
    '// from your docker-compose.yml (kept as .pre-projen/docker-compose.yml): the services of your own',
    "project.compose.addService('nats', { image: 'nats:2.10-alpine', command: ['-js'] });",
    "project.compose.addService('proxy', {",
    "  image: 'nginx:1.27-alpine',",
    "  ports: ['8080:80'],",
    "  volumes: ['./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro'],",
    "  depends_on: ['relay'],",
    '});',
    "project.compose.addOverride('services.relay.depends_on.nats.condition', 'service_started');",
    'project.synth();',
  ].join('\n'));
  // AND adopt says where each came from
  expect(r.out).toContain('relay, from the Dockerfile and .goreleaser.yaml: buildTags netgo osusergo; ldflags -X example.com/relay/internal/build.Edition=enterprise; '
    + 'versionVariables version=example.com/relay/internal/build.Tag commit=example.com/relay/internal/build.GitSHA date=example.com/relay/internal/build.Timestamp; '
    + 'workdir /srv; files templates migrations; imageEnvironment RELAY_MODE; args -greeting hi; healthCheck http /livez.');
  expect(r.out).toContain('build/Dockerfile.dev gets its own ignore file (<Dockerfile>.dockerignore, which BuildKit reads instead of the generated .dockerignore) with the rules of your .dockerignore');
  expect(r.out).toContain('relay gets DATABASE_URL_FILE from the add-on (a file holding the URL, with a generated password) instead of your DATABASE_URL');
  expect(r.out).toContain('would move makefile to local.mk, which the generated Makefile includes');
  // AND its migrations/001_init.sql, not golang-migrate's pairs, stays the service's own
  expect(r.out).toContain('migrations/ holds SQL migrations that golang-migrate does not read (it reads <n>_<name>.up.sql and .down.sql pairs): they stay yours, and the Postgres add-on runs none (migrations: false).');
});

test('adopt wires a directory of golang-migrate pairs where it finds one, and says so', () => {
  const files = fixture('team-setup');
  delete files['migrations/001_init.sql'];
  files['migrations/000001_init.up.sql'] = 'CREATE TABLE t (id int);\n';
  files['migrations/000001_init.down.sql'] = 'DROP TABLE t;\n';
  const r = adopt(files, [], 'relay');
  expect(r.code).toBe(0);
  expect(r.out).toContain("new PostgresDatabase(project, { name: 'db', image: 'postgres:16.4-alpine', user: 'relay', services: ['relay'] });");
  expect(r.out).toContain("migrations/ holds golang-migrate's migrations: they run before the services start");
});

test('compose.yaml, which Compose reads before docker-compose.yml, is read and moved aside; redis becomes RedisCache; services named differently are followed', () => {
  const r = adopt({
    'go.mod': 'module example.com/shop\n',
    'cmd/shop/main.go': SERVER,
    'compose.yaml': [
      'services:',
      '  app:', '    build: { context: ., dockerfile: Dockerfile }', '    environment: [REDIS_URL=redis://cache:6379, FEATURE=on]', '    depends_on: [cache]',
      '  cache:', '    image: redis:7.4-alpine',
      '  worker:', '    image: busybox', '    depends_on: [app]', '    volumes: [scratch:/tmp/x]',
      'volumes:', '  scratch: {}',
      '',
    ].join('\n'),
  });
  expect(planned(r.out)).toContain("  environment: { FEATURE: 'on' },");
  expect(planned(r.out)).toContain([
    "new RedisCache(project, { name: 'cache', image: 'redis:7.4-alpine', services: ['shop'] });",
    '// from your compose.yaml (kept as .pre-projen/compose.yaml): the services of your own',
    "project.compose.addService('worker', { image: 'busybox', depends_on: ['shop'], volumes: ['scratch:/tmp/x'] });",
    "project.compose.addVolume('scratch');",
  ].join('\n'));
  expect(r.out).toContain('would move compose.yaml to .pre-projen/compose.yaml\n');
});

test('a main in a directory named as a Dockerfile stage or a Makefile target of ours (tools/, cmd/test, cmd/builder) is a service with a suffix, and adopt says so', () => {
  // GIVEN node_exporter's shape: a tool's main in ./tools, beside the server; and two more such names
  const r = adopt({ 'go.mod': 'module example.com/shop\n', 'cmd/shop/main.go': SERVER, 'tools/main.go': MAIN, 'cmd/test/main.go': MAIN, 'cmd/builder/main.go': SERVER });
  // THEN adopt plans them, named with the suffix a name clash already takes, and says why
  expect(r.code).toBe(0);
  expect(planned(r.out)).toContain("new GoService(project, 'tools-cmd', { mainPackage: './tools', server: false });");
  expect(planned(r.out)).toContain("new GoService(project, 'test-cmd', { mainPackage: './cmd/test', server: false });");
  expect(planned(r.out)).toMatch(/new GoService\(project, 'builder-server', \{ port: \d+, mainPackage: '\.\/cmd\/builder'/);
  expect(r.out).toContain('./tools is the service tools-cmd: "tools" is a Makefile target of its own, and make tools would not mean this service.');
  expect(r.out).toContain('./cmd/builder is the service builder-server: "builder" is the name of a builder stage in the Dockerfile.');
});

describe('what adopt refuses (exit 2), before anything is touched', () => {
  test.each([
    ['no go.mod', {}, [], 'shop', 'adopt: there is no go.mod in '],
    ['no go.mod here, one below', { 'service/go.mod': 'module example.com/shop\n' }, [], 'shop', 'The Go module is in service/: run adopt there (cd service && npx projen-go-service adopt).'],
    ['no module line', { 'go.mod': 'go 1.26\n' }, [], 'shop', 'adopt: go.mod has no module line. Add one (module example.com/<name>) and run adopt again.'],
    ['no main package', { 'go.mod': 'module example.com/shop\n', 'shop.go': 'package shop\n' }, [], 'shop',
      'adopt: go list finds no package main in this module, so there is no command to build. Run adopt in the module that has one.'],
    ['no name to be had', { 'go.mod': 'module example.com/test\n', 'cmd/api/main.go': MAIN }, [], 'build',
      "adopt: neither the module path's last element (test) nor the directory's name (build) can name the project, which names the default service and the image. Give a name with --name <name> (lowercase letters, digits and single dashes)."],
    ['a bad --name', { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': SERVER }, ['--name', 'Shop'], 'shop',
      'adopt: --name Shop cannot name the project: it is not lowercase letters, digits and single dashes starting with a letter (at most 40).'],
    ['a .projenrc.ts already', { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN, '.projenrc.ts': '' }, [], 'shop',
      'adopt: there is a .projenrc.ts here already. Change it with npx projen-go-service add, remove or set.'],
    ['a package.json that is not JSON', { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN, 'package.json': '{ "name": ' }, [], 'shop',
      'adopt: package.json is not a JSON object'],
  ] as Array<[string, { [path: string]: string }, string[], string, string]>)('%s', (_name, files, args, dirName, message) => {
    const r = adopt(files, args, dirName);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });
});

test('a FIFO where adopt reads a file (.gitignore, a compose file) is refused at once, named, never opened (no hang)', () => {
  for (const name of ['.gitignore', 'compose.yaml', 'Dockerfile.dev']) {
    const dir = mkdtempSync(join(tmpdir(), 'cli-adopt-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/shop\n\ngo 1.25\n');
    execFileSync('mkfifo', [join(dir, name)]);
    const out: string[] = [];
    const err: string[] = [];
    const started = Date.now();
    try {
      const code = main(['adopt', '--dry-run'], { cwd: dir, io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
      expect(code).toBe(5);
      expect(err.join('\n')).toBe(`${name}: is a FIFO (named pipe), not a file, and projen-go-service reads a file there (it was not opened). Remove the FIFO (or move it out of the repository), then run it again. Nothing was changed.`);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('the pipeline: off unless asked (a repository adopted keeps its own CI); --ci writes ci: true', () => {
  const files = { 'go.mod': 'module example.com/shop\n\ngo 1.26\n', 'main.go': SERVER };
  const off = adopt(files);
  expect(off.code).toBe(0);
  expect(planned(off.out)).not.toContain('ci:');
  const on = adopt(files, ['--ci']);
  expect(on.code).toBe(0);
  expect(planned(on.out)).toContain('  ci: true,');
});
