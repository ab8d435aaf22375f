import { execFileSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { DistrolessVariant, GoService, GoServiceProject, RuntimeStage, TzLayer } from '../src';
import { synth } from './util';
import { listGoPackages } from '../src/go/go-graph';
import { readGoSources } from '../src/go/go-sources';

/**
 * Issue 14: the model asks the Go toolchain (go list), offline, never guessing from file names.
 */
const FIXTURES = join(__dirname, 'fixtures', 'repos');

/** A copy of a fixture repository. */
function copyOf(fixture: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pgs-src-')), fixture);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

describe('reading the Go graph', () => {
  test('packages at the top level and a root package, with their embed files, as the service imports them', () => {
    const dir = copyOf('toplevel-packages');
    const sources = readGoSources(dir, [{ name: 'emporium', mainPackage: './cmd/emporium', buildTags: [] }]);
    expect(sources.complete).toBe(true);
    expect(sources.paths).toEqual(['*.go', 'api/*.go', 'api/openapi.yaml', 'cmd/emporium/*.go', 'store/*.go']);
    expect(sources.packages.get('emporium')!.map((p) => p.importPath).sort()).toEqual([
      'github.com/acme/emporium', 'github.com/acme/emporium/api', 'github.com/acme/emporium/cmd/emporium', 'github.com/acme/emporium/store',
    ]);
  });

  test('main in the module root with go:embed directories and globs', () => {
    const sources = readGoSources(copyOf('root-main-embed'), [{ name: 'webapp', mainPackage: '.', buildTags: [] }]);
    expect(sources.paths).toEqual(['*.go', 'static', 'templates/*.html']);
  });

  test('a cgo package and its C files', () => {
    const sources = readGoSources(copyOf('cgo-libc'), [{ name: 'hasher', mainPackage: './cmd/hasher', buildTags: [] }]);
    expect(sources.paths).toEqual(['cmd/hasher/*.go', 'native/*.c', 'native/*.go', 'native/*.h']);
    const native = sources.packages.get('hasher')!.find((p) => p.importPath === 'example.com/hasher/native')!;
    expect(native.cgoFiles).toEqual(['native.go']);
  });

  test('with no Go on PATH: says why, and lists nothing', () => {
    const listing = listGoPackages(copyOf('toplevel-packages'), ['./...'], { go: 'go-that-is-not-there' });
    expect(listing).toEqual({ ok: false, reason: 'go-that-is-not-there is not on PATH', packages: [] });
    const sources = readGoSources(copyOf('toplevel-packages'), [{ name: 'emporium', mainPackage: './cmd/emporium', buildTags: [] }], { go: 'go-that-is-not-there' });
    expect(sources).toEqual({ complete: false, note: 'go-that-is-not-there is not on PATH', paths: [], packages: new Map(), localModules: [], outsideModules: [], vendored: false, workspaceModules: [] });
  });

  test('a go.mod Go cannot read: says why', () => {
    const dir = copyOf('toplevel-packages');
    writeFileSync(join(dir, 'go.mod'), 'module example.com/x\n\ngo 9.99\n');
    const listing = listGoPackages(dir, ['./...']);
    expect(listing.ok).toBe(false);
    expect(listing.reason).toMatch(/^go list failed: .*go\.mod requires go >= 9\.99/);
  });

  test('a module replaced by a directory of the repository: its go.mod and its packages are build inputs', () => {
    const sources = readGoSources(copyOf('local-replace'), [{ name: 'ledger', mainPackage: './cmd/ledger', buildTags: [] }]);
    expect(sources.localModules).toEqual(['libs/money']);
    expect(sources.outsideModules).toEqual([]);
    expect(sources.paths).toEqual(['cmd/ledger/*.go', 'libs/money/*.go', 'libs/money/go.mod']);
  });

  test('a module replaced by a directory outside the repository is told apart; one without go.mod is left out', () => {
    const dir = copyOf('local-replace');
    const sibling = join(dir, '..', 'sibling');
    cpSync(join(dir, 'libs', 'money'), sibling, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), readFileSync(join(dir, 'go.mod'), 'utf-8').replace('=> ./libs/money', '=> ../sibling')
      + 'require example.com/gone v0.0.0\n\nreplace example.com/gone => ./gone\n');
    const sources = readGoSources(dir, [{ name: 'ledger', mainPackage: './cmd/ledger', buildTags: [] }]);
    expect(sources.localModules).toEqual([]);
    expect(sources.outsideModules).toEqual([{ path: 'example.com/money', replaceDir: '../sibling' }]);
  });

  test('the module list is asked for only when go.mod replaces a module by a directory', () => {
    const bin = mkdtempSync(join(tmpdir(), 'pgs-gowrap-'));
    const log = join(bin, 'calls');
    const go = join(bin, 'go');
    writeFileSync(go, `#!/bin/sh\necho "$*" >> ${log}\nexec go "$@"\n`, { mode: 0o755 });
    const calls = () => readFileSync(log, 'utf-8').trim().split('\n');
    expect(readGoSources(copyOf('port-env'), [{ name: 'quotes', mainPackage: './cmd/quotes', buildTags: [] }], { go })).toMatchObject({ complete: true, localModules: [] });
    expect(calls().filter((c) => / -m /.test(c))).toEqual([]);
    expect(readGoSources(copyOf('local-replace'), [{ name: 'ledger', mainPackage: './cmd/ledger', buildTags: [] }], { go })).toMatchObject({ complete: true, localModules: ['libs/money'] });
    expect(calls().filter((c) => / -m /.test(c))).toHaveLength(1);
  });

  test('the listing never writes go.mod or go.sum (go list -mod=mod would add a missing go line)', () => {
    const dir = copyOf('old-go-line');
    const noGoLine = 'module example.com/legacy\n';
    writeFileSync(join(dir, 'go.mod'), noGoLine);
    expect(listGoPackages(dir, ['./...']).ok).toBe(true);
    expect(readFileSync(join(dir, 'go.mod'), 'utf-8')).toBe(noGoLine);
  });
});

describe('cgo, as the graph says', () => {
  test('code that needs cgo, built without it by default: refused, naming the package and the fix', () => {
    const outdir = copyOf('cgo-libc');
    const project = new GoServiceProject({ name: 'hasher', outdir });
    expect(() => project.synth()).toThrow('hasher.cgo: example.com/hasher/native has C code (import "C"), and hasher builds with CGO_ENABLED=0, so it would not build, or would fail when it runs. Set cgo: true with a runtime that has glibc, such as runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }), or cgo: false if the package works without cgo.');
  });

  test('cgo: false asked for: a warning, not a refusal', () => {
    const outdir = copyOf('cgo-libc');
    const project = new GoServiceProject({ name: 'hasher', outdir, cgo: false });
    const warnings: string[] = [];
    project.logger.warn = (...args: any[]) => { warnings.push(args.join(' ')); };
    synth(project);
    expect(warnings).toEqual([expect.stringContaining('hasher.cgo: example.com/hasher/native has C code (import "C")')]);
  });

  test('cgo: true on a glibc base: accepted', () => {
    const outdir = copyOf('cgo-libc');
    const project = new GoServiceProject({ name: 'hasher', outdir, cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) });
    expect(synth(project)['.dockerignore']).toContain('!native/*.c');
  });
});

describe('modules replaced by directories, in the files', () => {
  test('one in the repository: the module download stage copies its go.mod, and the context lets it in', () => {
    const project = new GoServiceProject({ name: 'ledger', outdir: copyOf('local-replace'), mainPackage: './cmd/ledger' });
    const files = synth(project);
    expect(files.Dockerfile).toContain('COPY go.mod go.sum* ./\nCOPY libs/money/go.mod ./libs/money/\nARG TARGETOS\n');
    expect(files['.dockerignore']).toContain('\n!libs/money/*.go\n!libs/money/go.mod\n');
  });

  test('one outside the project directory: a warning naming go.mod, the module and the fix', () => {
    const outdir = copyOf('local-replace');
    cpSync(join(outdir, 'libs', 'money'), join(outdir, '..', 'money'), { recursive: true });
    writeFileSync(join(outdir, 'go.mod'), readFileSync(join(outdir, 'go.mod'), 'utf-8').replace('=> ./libs/money', '=> ../money'));
    const project = new GoServiceProject({ name: 'ledger', outdir, mainPackage: './cmd/ledger' });
    const warnings: string[] = [];
    project.logger.warn = (...args: any[]) => { warnings.push(args.join(' ')); };
    const files = synth(project);
    expect(warnings).toEqual(['go.mod: replaces example.com/money with ../money, a directory outside the project directory, which is all the image build sees (its context): make docker-build fails while it does. Move the module into the project directory (replace example.com/money => ./<its directory>), or require a published version of it.']);
    expect(files.Dockerfile).not.toContain('money/go.mod');
  });
});

describe('vendored modules', () => {
  test('vendor/modules.txt: the download stage copies vendor/ and downloads nothing', () => {
    const outdir = copyOf('vendored');
    execFileSync('go', ['mod', 'vendor'], { cwd: outdir, stdio: 'ignore' });
    const files = synth(new GoServiceProject({ name: 'tickets', outdir, mainPackage: './cmd/tickets' }));
    expect(files.Dockerfile).toContain('COPY go.mod go.sum* ./\nCOPY vendor/ ./vendor/\n');
    expect(files.Dockerfile).not.toContain('go mod download');
    // nothing downloads, so nothing to compile the standard library beside
    expect(files.Dockerfile).not.toContain('net/http');
    expect(files['.dockerignore']).toContain('\n!vendor/\n');
  });

  test('the same repository before go mod vendor downloads the modules', () => {
    const files = synth(new GoServiceProject({ name: 'tickets', outdir: copyOf('vendored'), mainPackage: './cmd/tickets' }));
    expect(files.Dockerfile).toContain('go mod download');
    expect(files.Dockerfile).not.toContain('vendor/');
  });
});

describe('the standard library, compiled while the modules download', () => {
  /** The deps stage of a Dockerfile, and the RUN of a stage that has one. */
  const stage = (df: string, name: string) => df.slice(df.indexOf(` AS ${name}\n`), df.indexOf('\n\n', df.indexOf(` AS ${name}\n`)));
  /** The environment and flags a `go build` line of the Dockerfile runs with, up to the flags of its own. */
  const goBuildOf = (text: string) => /(CGO_ENABLED=\S+(?: GO[A-Z]+="[^"]*")+) (?:\\\n {4})?go build (.*?) (?:\\\n {4})?(?:-ldflags|net\/http)/.exec(text);

  test('a service that imports net/http: net/http compiles for the target with the build step\'s environment and flags, beside go mod download', () => {
    const df: string = synth(new GoServiceProject({ name: 'quotes', outdir: copyOf('port-env'), mainPackage: './cmd/quotes' })).Dockerfile;
    const deps = stage(df, 'deps');
    expect(deps).toContain([
      'ARG TARGETOS',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'RUN --mount=type=cache,target=/go/pkg/mod \\',
      '    --mount=type=cache,target=/root/.cache/go-build \\',
      '    { cd / && CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}" go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags timetzdata net/http || true; } & \\',
      '    go mod download && wait',
    ].join('\n'));
    // what is compiled there is found by the build step only with the same environment, flags, tags
    // (timetzdata changes the time package) and cache
    const warm = goBuildOf(deps)!;
    const build = goBuildOf(stage(df, 'build-quotes'))!;
    expect(warm).not.toBeNull();
    expect(build).not.toBeNull();
    expect(warm[2]).toBe('-trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags timetzdata');
    expect(warm.slice(1)).toEqual(build.slice(1));
    expect(stage(df, 'build-quotes')).toContain('--mount=type=cache,target=/root/.cache/go-build');
  });

  test('cgo: the same, with cgo and without GOARM, on the target platform', () => {
    const df: string = synth(new GoServiceProject({ name: 'hasher', outdir: copyOf('cgo-libc'), mainPackage: './cmd/hasher', cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) })).Dockerfile;
    const deps = stage(df, 'deps-cgo');
    expect(deps).toContain('    { cd / && CGO_ENABLED=1 GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false net/http || true; } & \\');
    expect(deps).not.toContain('TARGETVARIANT');
    expect(goBuildOf(deps)!.slice(1)).toEqual(goBuildOf(stage(df, 'build-hasher'))!.slice(1));
  });

  test('services with other build tags: the default service\'s, as its build step has them', () => {
    const project = new GoServiceProject({ name: 'quotes', outdir: copyOf('port-env'), mainPackage: './cmd/quotes', buildTags: ['netgo'] });
    new GoService(project, 'bare', { mainPackage: './cmd/quotes', port: 9090, tz: TzLayer.none(), buildTags: ['osusergo'] });
    const df: string = synth(project).Dockerfile;
    expect(goBuildOf(stage(df, 'deps'))![2]).toBe('-trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags netgo,timetzdata');
    expect(goBuildOf(stage(df, 'deps'))!.slice(1)).toEqual(goBuildOf(stage(df, 'build-quotes'))!.slice(1));
    expect(goBuildOf(stage(df, 'build-bare'))![2]).toBe('-trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags osusergo');
  });

  test('a service without net/http: the download alone, and the dependency layer stays the same for every target platform', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pgs-src-')), 'tick');
    mkdirSync(join(dir, 'cmd', 'tick'), { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.com/tick\n\ngo 1.24\n');
    writeFileSync(join(dir, 'cmd', 'tick', 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tick") }\n');
    const df: string = synth(new GoServiceProject({ name: 'tick', outdir: dir, mainPackage: './cmd/tick' })).Dockerfile;
    expect(stage(df, 'deps')).toContain('COPY go.mod go.sum* ./\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    go mod download');
    expect(df).not.toContain('net/http');
    expect(df.indexOf('ARG TARGETARCH')).toBeGreaterThan(df.indexOf('go mod download'));
  });
});

describe('Go workspaces', () => {
  /** local-replace without its replace directive, the money module supplied by a go.work instead. */
  function workspace(goWorkIn: 'project' | 'parent'): string {
    const dir = copyOf('local-replace');
    writeFileSync(join(dir, 'go.mod'), readFileSync(join(dir, 'go.mod'), 'utf-8').replace(/\n\/\/ the money module[^\n]*\nreplace[^\n]*\n/, ''));
    if (goWorkIn === 'project') {
      writeFileSync(join(dir, 'go.work'), 'go 1.25\n\nuse (\n\t.\n\t./libs/money\n)\n');
    } else {
      cpSync(join(dir, 'libs', 'money'), join(dir, '..', 'money'), { recursive: true });
      writeFileSync(join(dir, '..', 'go.work'), `go 1.25\n\nuse (\n\t./${basename(dir)}\n\t./money\n)\n`);
    }
    // the team's own build works in the workspace
    execFileSync('go', ['build', '-o', '/dev/null', './cmd/ledger'], { cwd: dir, env: { ...process.env, GOPROXY: 'off', GOFLAGS: '' } });
    return dir;
  }

  function warningsOf(outdir: string): string[] {
    const project = new GoServiceProject({ name: 'ledger', outdir, mainPackage: './cmd/ledger' });
    const warnings: string[] = [];
    project.logger.warn = (...args: any[]) => { warnings.push(args.join(' ')); };
    synth(project);
    return warnings;
  }

  test('a go.work in the project that supplies a module: readGoSources names it', () => {
    const sources = readGoSources(workspace('project'), [{ name: 'ledger', mainPackage: './cmd/ledger', buildTags: [] }]);
    expect(sources.workspaceModules).toEqual([{ path: 'example.com/money', dir: 'libs/money', goWork: 'go.work' }]);
  });

  test('inside the project: a warning with the replace that fixes it', () => {
    expect(warningsOf(workspace('project'))).toContainEqual('go.work: go.work supplies example.com/money from libs/money, and the image build sees only the project directory, without the workspace: there example.com/money comes from the version go.mod requires (make docker-build fails when that version is not published). Add replace example.com/money => ./libs/money to go.mod, or require a published version of it.');
  });

  test('a go.work above the project: a warning that says to move the module in', () => {
    const warnings = warningsOf(workspace('parent'));
    expect(warnings).toContainEqual(expect.stringMatching(/^go\.work: \.\.\/go\.work supplies example\.com\/money from \.\.\/money, .* Move example\.com\/money into the project directory/));
  });

  test('with the replace added, no warning: the image build copies the module', () => {
    const dir = workspace('project');
    writeFileSync(join(dir, 'go.mod'), `${readFileSync(join(dir, 'go.mod'), 'utf-8')}\nreplace example.com/money => ./libs/money\n`);
    expect(warningsOf(dir).filter((w) => w.startsWith('go.work'))).toEqual([]);
  });

  test('no go.work, or GOWORK=off in the environment: nothing', () => {
    expect(readGoSources(copyOf('port-env'), [{ name: 'quotes', mainPackage: './cmd/quotes', buildTags: [] }]).workspaceModules).toEqual([]);
    const dir = workspace('project');
    const before = process.env.GOWORK;
    process.env.GOWORK = 'off';
    try {
      expect(readGoSources(dir, [{ name: 'ledger', mainPackage: './cmd/ledger', buildTags: [] }]).workspaceModules).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.GOWORK;
      else process.env.GOWORK = before;
    }
  });
});
