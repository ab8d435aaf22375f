import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { cleanCopy, JSII_ENV, releaseBuild, REPO, run } from './fixtures';

/**
 * Issue 12: the package builds and packs the projen way on a clean copy (`npm ci`, `npx projen
 * default`, `compile`, `post-compile`, `package`), not only with `npm pack`; so does the organisation
 * template platform teams copy. The other end-to-end tests install the same tarball.
 */

/** The paths of a tarball, without the leading `package/`. */
function tarballPaths(tgz: string): string[] {
  return run('tar', ['tzf', tgz]).stdout.split('\n').filter((l) => l !== '' && !l.endsWith('/')).map((l) => l.replace(/^package\//, ''));
}

function tarballJson(tgz: string, path: string): any {
  return JSON.parse(run('tar', ['xzOf', tgz, `package/${path}`]).stdout);
}

/** npm's own range check, so the test does not rely on a semver of its own. */
function satisfies(version: string, range: string): boolean {
  const out = run('node', ['-e', `process.stdout.write(String(require('semver').satisfies(${JSON.stringify(version)}, ${JSON.stringify(range)})))`], { cwd: REPO }).stdout;
  return out === 'true';
}

const log: string[] = [];
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`packaging:\n  ${log.join('\n  ')}`);
});

describe('projen-go-service, built the projen way on a clean copy', () => {
  const build = releaseBuild();
  const ours = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf-8'));

  test('npx projen package writes dist/js/projen-go-service@<version>.jsii.tgz', () => {
    expect(basename(build.tarball)).toBe(`projen-go-service@${ours.version}.jsii.tgz`);
    const paths = tarballPaths(build.tarball);
    log.push(`${basename(build.tarball)}: ${statSync(build.tarball).size} bytes, ${paths.length} files`);
    log.push(`steps: ${Object.entries(build.steps).map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  });

  test('the route leaves the clean copy as it was: API.md, package.json and the lock file are current', () => {
    expect(build.gitStatus).toBe('');
  });

  test('the tarball holds the compiled library, its .jsii manifest, the docs and the bundled packages, nothing else', () => {
    const paths = tarballPaths(build.tarball);
    const own = paths.filter((p) => !p.startsWith('node_modules/'));
    // adopt's analyzer ships as Go source, which the user's toolchain builds: no tests, no test data
    const analyzer = own.filter((p) => p.startsWith('lib/go/analyzer/'));
    expect(analyzer).toEqual(expect.arrayContaining(['lib/go/analyzer/go.mod', 'lib/go/analyzer/go.sum', 'lib/go/analyzer/main.go']));
    expect(analyzer.filter((p) => !/^lib\/go\/analyzer\/[^/]+\.(go|mod|sum|md)$/.test(p) || p.endsWith('_test.go'))).toEqual([]);
    const unexpected = own.filter((p) => !/^lib\/.+\.(js|d\.ts)$/.test(p) && !analyzer.includes(p) && !['.jsii', 'package.json', 'README.md', 'API.md', 'LICENSE'].includes(p));
    expect(unexpected).toEqual([]);
    expect(own).toEqual(expect.arrayContaining(['.jsii', 'lib/index.js', 'lib/index.d.ts', 'lib/cli/bin.js', 'API.md', 'README.md', 'LICENSE']));
    // no tests, benchmarks, fixtures, examples, scripts or TypeScript sources
    expect(paths.filter((p) => /^(test|benchmarks|examples|scripts|src|\.ci|fixtures)\//.test(p) || /\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    // the bundled dependencies, and only those, under node_modules
    const bundled = [...new Set(paths.filter((p) => p.startsWith('node_modules/')).map((p) => p.split('/')[1]))];
    expect(bundled).toEqual(expect.arrayContaining(['yaml', 'ts-morph']));
  });

  test('package.json: engines, the bin, and peer ranges that let a newer projen 0.103.x and constructs 10.x in', () => {
    const pkg = tarballJson(build.tarball, 'package.json');
    expect(pkg.engines).toEqual({ node: '>= 20.0.0' });
    expect(pkg.bin).toEqual({ 'projen-go-service': 'lib/cli/bin.js' });
    const { projen, constructs } = pkg.peerDependencies;
    for (const v of ['0.103.25', '0.103.99']) expect(satisfies(v, projen)).toBe(true);
    for (const v of ['0.104.0', '0.102.0']) expect(satisfies(v, projen)).toBe(false);
    // projen 0.103 itself needs constructs ^10.5.0: the floor of our range is the one it accepts
    for (const v of ['10.5.0', '10.8.1', '10.99.0']) expect(satisfies(v, constructs)).toBe(true);
    expect(satisfies('11.0.0', constructs)).toBe(false);
    const projenPeer = JSON.parse(readFileSync(join(REPO, 'node_modules', 'projen', 'package.json'), 'utf-8')).peerDependencies.constructs;
    expect(satisfies(pkg.devDependencies.constructs, projenPeer)).toBe(true);
  });
});

describe('the organisation template (examples/org-template), built the projen way', () => {
  let dir: string;
  let tgz: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgs-org-pack-'));
    const acme = join(dir, 'acme-go-service');
    cleanCopy(acme, join(REPO, 'examples', 'org-template'));
    // a platform team installs projen-go-service from its registry; here, the tarball a release publishes
    // (--no-save: package.json keeps its registry range, which jsii reads)
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', releaseBuild().tarball], { cwd: acme });
    for (const task of ['compile', 'package']) {
      log.push(`org template: npx projen ${task} ${(run('npx', ['projen', task], { cwd: acme, env: JSII_ENV }).ms / 1000).toFixed(1)} s`);
    }
    tgz = join(acme, 'dist', 'js', 'go-service@0.0.0.jsii.tgz');
  });

  afterAll(() => {
    if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  test('npx projen package writes its tarball, with the compiled template and its .jsii manifest', () => {
    const paths = tarballPaths(tgz);
    log.push(`${basename(tgz)}: ${statSync(tgz).size} bytes, ${paths.length} files`);
    expect(paths).toEqual(expect.arrayContaining(['.jsii', 'lib/index.js', 'lib/index.d.ts', 'package.json']));
    expect(paths.filter((p) => /^(src|test)\//.test(p))).toEqual([]);
    const pkg = tarballJson(tgz, 'package.json');
    expect(pkg.name).toBe('@acme/go-service');
    expect(satisfies('10.8.1', pkg.peerDependencies.constructs)).toBe(true);
  });
});
