import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { newRepo, removeRepo, run, runFailing, treeHash, writeFileForce } from './fixtures';

/**
 * Issue 7: the everyday commands, run as a user runs them (`npx projen-go-service ...` in a repo made
 * by `projen new --from` the packed tarball): each edit of .projenrc.ts, its --dry-run, the refusal
 * of a shape that cannot be edited safely, adopt of an existing Go repository, and check in CI.
 * After each, go build ./... and docker-compose config pass.
 */

const timings: { [step: string]: number } = {};

/** Runs the CLI; returns what it printed on stdout. */
function cli(repo: string, ...args: string[]): string {
  const r = run('npx', ['projen-go-service', ...args], { cwd: repo });
  const key = args.join(' ');
  timings[key] = Math.max(timings[key] ?? 0, r.ms);
  return r.stdout;
}

/** The lines the CLI prints for changed files. */
function changeLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(added|changed|removed) /.test(l));
}

/** What git sees as changed since the last commit, in the CLI's words. */
function gitChanges(repo: string): string[] {
  const kinds: { [code: string]: string } = { '??': 'added', 'M': 'changed', 'D': 'removed' };
  return sortByPath(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo }).stdout.split('\n').filter(Boolean)
    .map((l) => `${kinds[l.slice(0, 2).trim()]} ${l.slice(3)}`));
}

/** `changed x` lines in the CLI's order: by path. */
function sortByPath(lines: string[]): string[] {
  const path = (l: string) => l.slice(l.indexOf(' ') + 1);
  return [...lines].sort((a, b) => (path(a) < path(b) ? -1 : path(a) > path(b) ? 1 : 0));
}

function commit(repo: string, message: string): void {
  run('git', ['add', '-A'], { cwd: repo });
  run('git', ['commit', '-qm', message], { cwd: repo });
}

/** go build and docker-compose accept the repository (with the secrets the add-ons need). */
function toolsAccept(repo: string): void {
  run('go', ['build', './...'], { cwd: repo });
  if (readFileSync(join(repo, 'Makefile'), 'utf-8').includes('\nsecrets:')) run('make', ['secrets'], { cwd: repo });
  else mkdirSync(join(repo, '.secrets'), { recursive: true });
  run('docker-compose', ['config', '-q'], { cwd: repo });
}

/**
 * Runs a CLI command that must fail with `status`, and checks that it touched nothing; returns its
 * output (without npm's own warnings).
 */
function refused(repo: string, status: number, ...args: string[]): string {
  const before = treeHash(repo);
  const r = runFailing('npx', ['projen-go-service', ...args], { cwd: repo });
  expect(r.status).toBe(status);
  expect(treeHash(repo)).toBe(before);
  return r.output.split('\n').filter((l) => !l.startsWith('npm warn')).join('\n');
}

function projenrc(repo: string): string {
  return readFileSync(join(repo, '.projenrc.ts'), 'utf-8');
}

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`cli e2e timings (ms):\n${Object.entries(timings).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
});

describe('add, remove and set: .projenrc.ts edited as code, synthesized, every changed file printed', () => {
  let repo: string;
  let original: string;
  let edited: string;

  beforeAll(() => {
    repo = newRepo('hello');
    original = projenrc(repo);
    edited = original;
  });
  afterAll(() => removeRepo(repo));

  /** Runs an editing command: the files it prints are the files git sees changed; then commits. */
  function step(args: string[]): string {
    const out = cli(repo, ...args);
    expect(changeLines(out)).toEqual(gitChanges(repo));
    toolsAccept(repo);
    commit(repo, args.join(' '));
    return out;
  }

  /** A --dry-run prints the diff of .projenrc.ts and changes nothing. */
  function dryRun(args: string[], plus: string[], minus: string[] = []): void {
    const before = treeHash(repo);
    const out = cli(repo, ...args, '--dry-run');
    const lines = out.split('\n');
    expect(lines.slice(0, 2)).toEqual(['--- a/.projenrc.ts', '+++ b/.projenrc.ts']);
    expect(lines.filter((l) => /^\+(?!\+\+)/.test(l))).toEqual(plus.map((l) => `+${l}`));
    expect(lines.filter((l) => /^-(?!--)/.test(l))).toEqual(minus.map((l) => `-${l}`));
    expect(out.trimEnd().endsWith('Dry run: nothing was changed.')).toBe(true);
    expect(treeHash(repo)).toBe(before);
  }

  test('add service worker: --dry-run, then the edit, the new service and its sample', () => {
    dryRun(['add', 'service', 'worker'],
      ['import { GoService, GoServiceProject } from "projen-go-service";', 'new GoService(project, "worker", { port: 8081 });'],
      ['import { GoServiceProject } from "projen-go-service";']);
    const out = step(['add', 'service', 'worker']);
    expect(changeLines(out)).toEqual(sortByPath([
      'changed .dockerignore', 'changed .projenrc.ts', 'changed Dockerfile', 'changed Makefile', 'changed SECURITY.md', 'changed docker-compose.dev.yml', 'changed docker-compose.yml',
      'added cmd/worker/main.go', 'added cmd/worker/main_test.go',
    ]));
    // one import name and one statement: the rest of the file byte for byte
    edited = original
      .replace('import { GoServiceProject } from "projen-go-service";', 'import { GoService, GoServiceProject } from "projen-go-service";')
      .replace(/\nproject\.synth\(\);$/, '\nnew GoService(project, "worker", { port: 8081 });\nproject.synth();');
    expect(projenrc(repo)).toBe(edited);
    expect(readFileSync(join(repo, 'docker-compose.yml'), 'utf-8')).toContain('worker:');
  });

  test('add service pdf --port 9191 --runtime distroless-cc --cgo: runtime and variant imported', () => {
    step(['add', 'service', 'pdf', '--port', '9191', '--runtime', 'distroless-cc', '--cgo']);
    expect(projenrc(repo)).toContain('new GoService(project, "worker", { port: 8081 });\nnew GoService(project, "pdf", { port: 9191, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC }), cgo: true });\nproject.synth();');
    expect(projenrc(repo).split('\n')[0]).toBe('import { DistrolessVariant, GoService, GoServiceProject, RuntimeStage } from "projen-go-service";');
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf-8')).toContain('gcr.io/distroless/cc-debian');
  });

  test('add postgres --for hello worker: --dry-run, then the edit', () => {
    dryRun(['add', 'postgres', '--for', 'hello', 'worker'],
      ['import { DistrolessVariant, GoService, GoServiceProject, PostgresDatabase, RuntimeStage } from "projen-go-service";', 'new PostgresDatabase(project, { services: ["hello", "worker"] });'],
      ['import { DistrolessVariant, GoService, GoServiceProject, RuntimeStage } from "projen-go-service";']);
    const out = step(['add', 'postgres', '--for', 'hello', 'worker']);
    expect(changeLines(out)).toEqual(sortByPath([
      'changed .dockerignore', 'changed .projenrc.ts', 'changed Dockerfile', 'changed Makefile', 'changed docker-compose.dev.yml', 'changed docker-compose.yml',
      'added migrations/000001_create_greetings.down.sql', 'added migrations/000001_create_greetings.up.sql',
    ]));
    expect(out).toContain('is written once go.mod requires its driver: go get github.com/jackc/pgx/v5/stdlib@v5.9.2, then npx projen.');
    expect(readFileSync(join(repo, 'docker-compose.yml'), 'utf-8')).toContain('postgres:');
  });

  test('add redis', () => {
    step(['add', 'redis']);
    expect(projenrc(repo)).toContain('new PostgresDatabase(project, { services: ["hello", "worker"] });\nnew RedisCache(project);\nproject.synth();');
  });

  test('set port 9090 and set goVersion 1.25: --dry-run, then the edits', () => {
    dryRun(['set', 'port', '9090'], ['  port: 9090,']);
    const port = step(['set', 'port', '9090']);
    expect(changeLines(port)).toEqual(['changed .projenrc.ts', 'changed Dockerfile', 'changed Makefile', 'changed docker-compose.yml']);
    // the go line follows goVersion down, as no dependency needs more, and says so: projen's notices are passed on
    const go = step(['set', 'goVersion', '1.25']);
    // (the workflows set up that Go: projen new turns the pipeline on)
    expect(changeLines(go)).toEqual(sortByPath([
      'changed .github/workflows/build.yml', 'changed .github/workflows/release.yml', 'changed .github/workflows/upgrade.yml',
      'changed .projenrc.ts', 'changed Dockerfile', 'changed go.mod',
    ]));
    expect(go).toContain('go.mod: lowered go 1.26 to go 1.25: goVersion 1.25 builds it, and no dependency needs more.');
    expect(projenrc(repo)).toContain('  name: "hello",\n  port: 9090,\n  goVersion: "1.25",\n\n');
    expect(cli(repo, 'set', 'port', '9090')).toBe('.projenrc.ts already says so: nothing to change.\n');
  });

  test('set port 70000: the model refuses it, .projenrc.ts is restored byte for byte and nothing changes (exit 4)', () => {
    const output = refused(repo, 4, 'set', 'port', '70000');
    expect(output).toContain('npx projen failed with this change, so .projenrc.ts was restored as it was and nothing was changed.');
    expect(output).toContain('  hello.port: 70000 is not a TCP port. Use a whole number from 1 to 65535.');
  });

  test('remove service hello: the default service is refused (exit 2)', () => {
    expect(refused(repo, 2, 'remove', 'service', 'hello')).toContain('remove service: hello is the default service: it is named after the project');
  });

  test('remove service worker: --dry-run, then the edit, which takes it out of postgres services too; its code stays', () => {
    dryRun(['remove', 'service', 'worker'],
      ['new PostgresDatabase(project, { services: ["hello"] });'],
      ['new GoService(project, "worker", { port: 8081 });', 'new PostgresDatabase(project, { services: ["hello", "worker"] });']);
    const out = step(['remove', 'service', 'worker']);
    expect(out).toContain('worker was also removed from the services of postgres\n');
    expect(out).toContain('service worker was removed: its Dockerfile targets, compose service and Makefile targets are gone; its code in cmd/worker/ is yours and stays.');
    expect(existsSync(join(repo, 'cmd', 'worker', 'main.go'))).toBe(true);
  });

  test('remove redis, remove postgres, remove service pdf: back to the original file plus the two options', () => {
    dryRun(['remove', 'redis'],
      ['import { DistrolessVariant, GoService, GoServiceProject, PostgresDatabase, RuntimeStage } from "projen-go-service";'],
      ['import { DistrolessVariant, GoService, GoServiceProject, PostgresDatabase, RedisCache, RuntimeStage } from "projen-go-service";', 'new RedisCache(project);']);
    step(['remove', 'redis']);
    step(['remove', 'postgres']);
    step(['remove', 'service', 'pdf']);
    // the imports nothing uses any more went with the statements
    expect(projenrc(repo)).toBe(original.replace('  name: "hello",\n', '  name: "hello",\n  port: 9090,\n  goVersion: "1.25",\n'));
  });
});

describe('a .projenrc.ts that cannot be edited safely', () => {
  let repo: string;
  const shape = [
    'import { GoServiceProject } from "projen-go-service";',
    '',
    '// the organisation\'s defaults, in a function',
    'function makeProject(name: string) {',
    '  return new GoServiceProject({ name, port: 8080 });',
    '}',
    '',
    'const project = makeProject("hello");',
    'project.synth();',
    '',
  ].join('\n');

  beforeAll(() => {
    repo = newRepo('hello');
    writeFileSync(join(repo, '.projenrc.ts'), shape);
    run('npx', ['projen'], { cwd: repo });
    commit(repo, 'the project in a function');
  });
  afterAll(() => removeRepo(repo));

  test('add service: refused (exit 3) with the exact lines to add by hand, nothing changed; the lines work', () => {
    expect(refused(repo, 3, 'add', 'service', 'worker')).toBe([
      '.projenrc.ts cannot be edited safely: the project is created inside a function (line 5), not by a top-level const project = new GoServiceProject({...}). Make the change by hand, then run npx projen:',
      '',
      "  import { GoService } from 'projen-go-service';",
      "  new GoService(project, 'worker', { port: 8081 });  // before project.synth()",
      '',
      'Nothing was changed.',
      '',
    ].join('\n'));

    // the user adds the two lines where they say, and the service is there
    const byHand = shape.replace('\nproject.synth();', "\nnew GoService(project, 'worker', { port: 8081 });\nproject.synth();");
    writeFileSync(join(repo, '.projenrc.ts'), `import { GoService } from 'projen-go-service';\n${byHand}`);
    run('npx', ['projen'], { cwd: repo });
    expect(existsSync(join(repo, 'cmd', 'worker', 'main.go'))).toBe(true);
    toolsAccept(repo);
    run('git', ['checkout', '-q', '.'], { cwd: repo });
    run('git', ['clean', '-qfd'], { cwd: repo });
    run('npx', ['projen'], { cwd: repo });
  });

  test.each([
    [['set', 'port', '9090'], '  port: 9090,  // in the options of new GoServiceProject({...})'],
    [['add', 'redis', '--for', 'hello'], "  new RedisCache(project, { services: ['hello'] });  // before project.synth()"],
    [['remove', 'service', 'worker'], "  // delete the new GoService(project, 'worker', ...) that makes the service, and worker from any add-on's services"],
  ])('%j: refused (exit 3), nothing changed', (args, line) => {
    const output = refused(repo, 3, ...args);
    expect(output).toContain('.projenrc.ts cannot be edited safely: the project is created inside a function (line 5)');
    expect(output).toContain(`\n${line}\n`);
  });
});

describe('adopt: an existing Go repository with a hand-written Dockerfile and two cmd/ packages', () => {
  const FIXTURE = join(__dirname, 'adopt-repo');
  const USER_FILES = ['Dockerfile', 'docker-compose.yml', '.dockerignore', '.gitignore'];
  let base: string;
  let repo: string;

  beforeAll(() => {
    // the user's repository, with projen and this package installed beside it (as npm install would)
    base = newRepo('hello');
    repo = join(dirname(base), 'shop');
    cpSync(FIXTURE, repo, { recursive: true });
    run('git', ['init', '-q'], { cwd: repo });
    commit(repo, 'the shop, before projen');
    cpSync(join(base, 'node_modules'), join(repo, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    run('go', ['build', './...'], { cwd: repo });
  });
  afterAll(() => removeRepo(base));

  const expectedProjenrc = [
    '// Written by projen-go-service adopt from go.mod, go list and the Dockerfile. Yours to edit: change it,',
    '// then run npx projen (or use npx projen-go-service add, remove and set).',
    "import { GoService, GoServiceProject, HealthCheck } from 'projen-go-service';",
    '',
    'const project = new GoServiceProject({',
    "  name: 'shop',",
    "  modulePath: 'example.com/shop',",
    "  goVersion: '1.25',",
    '  port: 8000,',
    '  healthCheck: HealthCheck.tcp(),',
    "  mainPackage: './cmd/api',",
    "  makefileIncludes: ['local.mk'],",
    "  makefileRenames: { build: 'go-build', test: 'go-test' },",
    '});',
    '',
    "new GoService(project, 'worker', { port: 8001, healthCheck: HealthCheck.tcp() });",
    '// from your .gitignore (kept as .pre-projen/.gitignore)',
    "project.gitignore.addPatterns('/bin/', '*.log');",
    'project.synth();',
    '',
  ].join('\n');

  test('--dry-run prints the .projenrc.ts it would write and the files it would move aside, and changes nothing', () => {
    const before = treeHash(repo);
    const out = cli(repo, 'adopt', '--dry-run');
    expect(out).toContain(['--- /dev/null', '+++ b/.projenrc.ts', '@@ -0,0 +1,19 @@', ...expectedProjenrc.trimEnd().split('\n').map((l) => `+${l}`)].join('\n'));
    expect(out).toContain('would write package.json (projen-go-service from ^0.0.0) and run npm install (projen, projen-go-service, tsx)');
    expect(out).toContain('would move Makefile to local.mk, which the generated Makefile includes');
    for (const f of USER_FILES) expect(out).toContain(`would move ${f} to .pre-projen/${f}\n`);
    expect(treeHash(repo)).toBe(before);
  });

  test('adopt writes .projenrc.ts from go.mod, go list and EXPOSE, moves the user\'s files aside, keeps the Makefile as local.mk, says so, and synthesizes', () => {
    const originals = Object.fromEntries(USER_FILES.map((f) => [f, readFileSync(join(FIXTURE, f), 'utf-8')]));
    const makefile = readFileSync(join(FIXTURE, 'Makefile'), 'utf-8');
    const out = cli(repo, 'adopt');
    expect(out).toContain('moved your Makefile to local.mk: the generated Makefile includes it, so its targets still work.');
    expect(readFileSync(join(repo, 'local.mk'), 'utf-8')).toBe(makefile);
    for (const f of USER_FILES) {
      expect(out).toContain(`moved your ${f} to .pre-projen/${f}: a generated ${f} takes its place.`);
      expect(readFileSync(join(repo, `.pre-projen/${f}`), 'utf-8')).toBe(originals[f]);
    }
    expect(projenrc(repo)).toBe(expectedProjenrc);
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf-8')).devDependencies).toEqual(expect.objectContaining({ 'projen': expect.any(String), 'projen-go-service': expect.any(String), 'tsx': expect.any(String), 'constructs': expect.any(String) }));

    // nothing of the user's is deleted or changed: every file of the fixture is there, as it was
    // (the five moved aside), and no sample was written over their code
    const moved = run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo }).stdout.split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(moved).toEqual([...USER_FILES, 'Makefile'].sort());
    expect(existsSync(join(repo, 'cmd', 'shop'))).toBe(false);
    expect(existsSync(join(repo, 'cmd', 'api', 'main_test.go'))).toBe(false);

    // the model's files: one target per main package, the EXPOSEd port, the carried .gitignore
    const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf-8');
    expect(dockerfile).toContain('./cmd/api');
    expect(dockerfile).toContain('./cmd/worker');
    expect(dockerfile).toContain('EXPOSE 8000');
    expect(readFileSync(join(repo, '.gitignore'), 'utf-8')).toContain('\n*.log\n');
    // the team's build and test keep their recipes; the generated ones are go-build and go-test
    expect(run('make', ['help'], { cwd: repo }).stdout).toMatch(/^ {2}go-build +\S/m);
    expect(run('make', ['-n', 'build'], { cwd: repo }).stdout).toBe('go build -o bin/ ./cmd/...\n');
    toolsAccept(repo);
    expect(cli(repo, 'check')).toContain('In sync');
  });

  test('adopt again is refused: there is a .projenrc.ts', () => {
    expect(refused(repo, 2, 'adopt')).toContain('adopt: there is a .projenrc.ts here already. Change it with npx projen-go-service add, remove or set.');
  });
});

describe('check: fails with a diff after a hand edit or a stale synthesis, passes after npx projen', () => {
  let repo: string;

  beforeAll(() => {
    repo = newRepo('hello');
  });
  afterAll(() => removeRepo(repo));

  test('a fresh repository is in sync (exit 0)', () => {
    expect(cli(repo, 'check')).toBe('In sync: every generated file is what .projenrc.ts generates.\n');
  });

  test('a hand edit of the Dockerfile: exit 1 with its unified diff; npx projen restores it; exit 0', () => {
    const dockerfile = join(repo, 'Dockerfile');
    writeFileForce(dockerfile, readFileSync(dockerfile, 'utf-8').replace('ENTRYPOINT', 'LABEL hand.edit="yes"\nENTRYPOINT'));
    const output = refused(repo, 1, 'check'); // and touches nothing
    expect(output).toMatch(/^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ [^\n]+ @@\n/);
    expect(output).toContain('\n-LABEL hand.edit="yes"\n');
    expect(output).toContain('Dockerfile is not what .projenrc.ts generates');
    expect(output).toContain('  differs: Dockerfile\n');

    run('npx', ['projen'], { cwd: repo });
    expect(cli(repo, 'check')).toContain('In sync');
  });

  test('.projenrc.ts changed without npx projen: exit 1 naming each stale file; npx projen; exit 0', () => {
    writeFileSync(join(repo, '.projenrc.ts'), projenrc(repo).replace('  name: "hello",', '  name: "hello",\n  port: 9000,'));
    const output = refused(repo, 1, 'check');
    for (const f of ['Dockerfile', 'Makefile', 'docker-compose.yml']) expect(output).toContain(`  differs: ${f}\n`);
    expect(output).toContain('+EXPOSE 9000');

    run('npx', ['projen'], { cwd: repo });
    expect(cli(repo, 'check')).toContain('In sync');
    toolsAccept(repo);
  });

  test('a generated file that is removed is reported missing', () => {
    const compose = join(repo, 'docker-compose.yml');
    chmodSync(compose, 0o644);
    run('rm', [compose]);
    const output = refused(repo, 1, 'check');
    expect(output).toContain('--- /dev/null\n+++ b/docker-compose.yml\n');
    expect(output).toContain('  missing: docker-compose.yml\n');
    run('npx', ['projen'], { cwd: repo });
  });
});
