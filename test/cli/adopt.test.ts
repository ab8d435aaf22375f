import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
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

const MAIN = 'package main\n\nfunc main() {}\n';

test('the name from the module path (a /vN suffix skipped), cmd/<name> as the default service, EXPOSE 9000/tcp, the go line as major.minor', () => {
  const r = adopt({
    'go.mod': 'module github.com/acme/shop/v2 // the shop\n\ngo 1.24.3\n\ntoolchain go1.26.0\n',
    'cmd/shop/main.go': MAIN,
    'cmd/worker/main.go': MAIN,
    'cmd/tools/README.md': 'not a main package',
    'Dockerfile': 'FROM scratch\nexpose 9000/tcp 9100\n',
  }, [], 'checkout');
  expect(r.code).toBe(0);
  expect(planned(r.out)).toContain([
    'const project = new GoServiceProject({',
    "  name: 'shop',",
    "  modulePath: 'github.com/acme/shop/v2',",
    "  goVersion: '1.24',",
    '  port: 9000,',
    '});',
    '',
    "new GoService(project, 'worker', { port: 9001 });",
    'project.synth();',
  ].join('\n'));
  expect(r.out).toContain('would write package.json and run npm install (projen, projen-go-service, tsx)');
});

test('no cmd/<name>: the first main package is the default service (mainPackage); no EXPOSE: 8080 and up', () => {
  const r = adopt({ 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN, 'cmd/worker/main.go': MAIN, 'cmd/jobs/main.go': MAIN });
  expect(planned(r.out)).toContain([
    "  name: 'shop',",
    "  modulePath: 'example.com/shop',",
    '  port: 8080,',
    "  mainPackage: './cmd/api',",
    '});',
    '',
    "new GoService(project, 'jobs', { port: 8081 });",
    "new GoService(project, 'worker', { port: 8082 });",
  ].join('\n'));
});

test('--name and --port win', () => {
  const r = adopt({ 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN, 'Dockerfile': 'EXPOSE 8000\n' }, ['--name', 'api', '--port', '7000']);
  expect(planned(r.out)).toContain("  name: 'api',\n  modulePath: 'example.com/shop',\n  port: 7000,\n});");
});

test("the .gitignore's patterns are carried into .projenrc.ts", () => {
  const r = adopt({ 'go.mod': 'module example.com/shop\n', 'cmd/shop/main.go': MAIN, '.gitignore': '# outputs\n/bin/\n\n*.out\n!keep.out\n' });
  expect(planned(r.out)).toContain("// from your .gitignore (kept as .gitignore.pre-projen)\nproject.gitignore.addPatterns('/bin/', '*.out', '!keep.out');\nproject.synth();");
});

describe('what adopt refuses (exit 2), before anything is touched', () => {
  test.each([
    ['no go.mod', {}, [], 'shop', 'adopt: there is no go.mod in '],
    ['no module line', { 'go.mod': 'go 1.26\n' }, [], 'shop', 'adopt: go.mod has no module line. Add one (module example.com/<name>) and run adopt again.'],
    ['no main package', { 'go.mod': 'module example.com/shop\n', 'main.go': MAIN }, [], 'shop',
      'adopt: found no main package in cmd/ (cmd/<name>/main.go). Move each command to cmd/<name>/ and run adopt again.'],
    ['a cmd/ directory that cannot name a service', { 'go.mod': 'module example.com/shop\n', 'cmd/shop/main.go': MAIN, 'cmd/Bad_Tool/main.go': MAIN }, [], 'shop',
      'adopt: cmd/Bad_Tool cannot name a service: it is not lowercase letters, digits and single dashes starting with a letter (at most 40). A service\'s name is its cmd/ directory, Dockerfile target, compose service and Makefile targets: rename the directory to lowercase letters, digits and single dashes, and run adopt again.'],
    ['a cmd/ directory named like a Makefile target', { 'go.mod': 'module example.com/shop\n', 'cmd/shop/main.go': MAIN, 'cmd/test/main.go': MAIN }, [], 'shop',
      'adopt: cmd/test cannot name a service: "test" is a Makefile target of its own, and make test would not mean this service.'],
    ['no name to be had', { 'go.mod': 'module example.com/Shop_API\n', 'cmd/api/main.go': MAIN }, [], 'My_Repo',
      "adopt: neither the module path's last element (Shop_API) nor the directory's name (My_Repo) can name the project, which names the default service and the image. Give a name with --name <name> (lowercase letters, digits and single dashes)."],
    ['a bad --name', { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN }, ['--name', 'Shop'], 'shop',
      'adopt: --name Shop cannot name the project: it is not lowercase letters, digits and single dashes starting with a letter (at most 40).'],
    ['a .projenrc.ts already', { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN, '.projenrc.ts': '' }, [], 'shop',
      'adopt: there is a .projenrc.ts here already. Change it with npx projen-go-service add, remove or set.'],
    ['a package.json without projen installed', { 'go.mod': 'module example.com/shop\n', 'cmd/api/main.go': MAIN, 'package.json': '{}' }, [], 'shop',
      'adopt: package.json exists, and projen, projen-go-service, tsx are not all installed. Add them (npm install -D projen constructs tsx projen-go-service) and run adopt again.'],
  ] as Array<[string, { [path: string]: string }, string[], string, string]>)('%s', (_name, files, args, dirName, message) => {
    const r = adopt(files, args, dirName);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });
});
