import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AnalyzedMain } from '../src/go/analyzer';
import { buildPreconditionFact, compileErrorsOf, generateDirectives } from '../src/go/build-preconditions';
import { GoPackage } from '../src/go/go-graph';

function analyzed(errors: string[]): AnalyzedMain {
  return { package: 'example.com/board/cmd/boardd', dir: 'cmd/boardd', server: { listens: true, how: '', calls: [] }, listen: [], flags: [], subcommands: [], defaultArgs: [], runtimePaths: [], writePaths: [], versionVariables: [], cgo: [], errors };
}

function pkg(dir: string, goFiles: string[], main = true): GoPackage {
  return { importPath: `example.com/board/${dir}`, name: 'x', dir, standard: false, module: { path: 'example.com/board', main }, root: false, imports: [], goFiles, cgoFiles: [], otherFiles: [] } as GoPackage;
}

describe('a program that does not compile as committed', () => {
  test('the type checker\'s errors, without the analyzer\'s summaries, once each', () => {
    expect(compileErrorsOf(analyzed([
      'example.com/board/cmd/boardd: cmd/boardd/main.go:20:7: undefined: views.Version',
      'example.com/board/cmd/boardd: does not type-check; analyzed as far as its SSA could be built',
      'example.com/board/web: web/page.go:9:16: undefined: views.PageTemplate',
      'example.com/board/web: web/page.go:9:16: undefined: views.PageTemplate',
    ]))).toEqual(['cmd/boardd/main.go:20:7: undefined: views.Version', 'web/page.go:9:16: undefined: views.PageTemplate']);
    expect(compileErrorsOf(analyzed([]))).toEqual([]);
  });

  test('the //go:generate directives of the module\'s own packages, where go generate finds them', () => {
    const root = mkdtempSync(join(tmpdir(), 'preconditions-'));
    mkdirSync(join(root, 'views'));
    mkdirSync(join(root, 'dep'));
    writeFileSync(join(root, 'views', 'gen.go'), 'package views\n\n//go:generate go run ./internal/tmplgen -out views.gen.go\n// go:generate not a directive\n');
    writeFileSync(join(root, 'dep', 'x.go'), '//go:generate never\npackage dep\n');
    const found = generateDirectives(root, [pkg(join(root, 'views'), ['gen.go']), pkg(join(root, 'dep'), ['x.go'], false)]);
    expect(found).toEqual(['views/gen.go:3: go run ./internal/tmplgen -out views.gen.go']);
  });

  test('said with the first error and the step that writes the missing code', () => {
    expect(buildPreconditionFact([], ['x'])).toBeUndefined();
    expect(buildPreconditionFact(['a.go:1:2: undefined: b', 'c.go:3:4: undefined: d'], ['views/gen.go:3: go run ./gen']))
      .toBe('WARNING: it does not compile as committed (a.go:1:2: undefined: b and 1 more), so make docker-build fails until it does: its packages have //go:generate directives (views/gen.go:3: go run ./gen) whose output is not in the repository. Run go generate ./... before make docker-build (the image is built from your working tree; a clean checkout, such as CI\'s, needs it too)');
    expect(buildPreconditionFact(['a.go:1:2: undefined: b'], [])).toMatch(/\(a\.go:1:2: undefined: b\), so make docker-build fails until it does: code it needs is not in the repository/);
  });
});
