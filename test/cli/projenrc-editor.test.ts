import { ProjenrcEditor, UneditableProjenrc } from '../../src/cli/projenrc-editor';
import { addonStatement, RUNTIMES, serviceStatement } from '../../src/cli/snippets';

/** What `projen new --from projen-go-service go-service` writes: double quotes, hint comments, no final newline. */
const GENERATED = [
  'import { GoServiceProject } from "projen-go-service";',
  'const project = new GoServiceProject({',
  '  name: "hello",',
  '',
  '  // goVersion: "1.26",                 /* The Go release, `major.minor`. */',
  '  // modulePath: "example.com/<name>",  /* The Go module path, written in go.mod. */',
  '  // port: 8080,                        /* The port the service listens on. */',
  '  // runtime: RuntimeStage.scratch(),   /* The base of the final image. */',
  '});',
  'project.synth();',
].join('\n');

/** A user's own shape: single quotes, a sorted multi-line import, comments and blank lines. */
const USER = [
  '// the shop',
  'import {',
  '  GoService,',
  '  GoServiceProject,',
  '  RuntimeStage,',
  "} from 'projen-go-service';",
  '',
  'const project = new GoServiceProject({',
  "  name: 'shop',",
  '  port: 8080, // the storefront',
  '  runtime: RuntimeStage.scratch(),',
  '});',
  '',
  '// background jobs',
  "new GoService(project, 'worker', { port: 9090 });",
  '',
  '/* keep this */',
  'project.synth();',
  '',
].join('\n');

/** `text` with `lines` inserted before line `at` (0-based). */
function withLines(text: string, at: number, ...lines: string[]): string {
  const all = text.split('\n');
  all.splice(at, 0, ...lines);
  return all.join('\n');
}

/** `text` with `count` lines removed at line `at` (0-based). */
function withoutLines(text: string, at: number, count = 1): string {
  const all = text.split('\n');
  all.splice(at, count);
  return all.join('\n');
}

function addService(editor: ProjenrcEditor, name: string, port: number, runtime?: string): void {
  editor.addServiceStatement(serviceStatement(editor, { name, port, runtime }));
}

describe('adding a service', () => {
  test('to the generated file: one statement before project.synth(), GoService imported, the rest byte for byte', () => {
    // GIVEN
    const editor = ProjenrcEditor.parse(GENERATED);
    // WHEN
    addService(editor, 'worker', Math.max(...editor.ports()) + 1);
    // THEN
    const expected = withLines(GENERATED, 9, 'new GoService(project, "worker", { port: 8081 });')
      .replace('import { GoServiceProject }', 'import { GoService, GoServiceProject }');
    expect(editor.text).toBe(expected);
  });

  test('to a user file: after the last service, in its quotes, the sorted multi-line import kept sorted', () => {
    const editor = ProjenrcEditor.parse(USER);
    addService(editor, 'pdf', 9091, 'distroless-cc');
    expect(editor.text).toBe(withLines(
      withLines(USER, 2, '  DistrolessVariant,'),
      16,
      "new GoService(project, 'pdf', { port: 9091, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC }) });",
    ));
  });

  test('every runtime name writes its RuntimeStage', () => {
    const code = Object.keys(RUNTIMES).map((r) => {
      const editor = ProjenrcEditor.parse(USER);
      return serviceStatement(editor, { name: 'x', port: 1, runtime: r });
    });
    expect(code).toEqual([
      "new GoService(project, 'x', { port: 1, runtime: RuntimeStage.scratch() });",
      "new GoService(project, 'x', { port: 1, runtime: RuntimeStage.distroless() });",
      "new GoService(project, 'x', { port: 1, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) });",
      "new GoService(project, 'x', { port: 1, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC }) });",
      "new GoService(project, 'x', { port: 1, runtime: RuntimeStage.alpine({ version: '3.22' }) });",
    ]);
  });

  test('an aliased or namespace import is used as it is, and nothing is imported', () => {
    const aliased = ProjenrcEditor.parse("import { GoServiceProject as P, GoService as S } from 'projen-go-service';\nconst p = new P({ name: 'a' });\np.synth();\n");
    addService(aliased, 'b', 8081);
    expect(aliased.text).toBe("import { GoServiceProject as P, GoService as S } from 'projen-go-service';\nconst p = new P({ name: 'a' });\nnew S(p, 'b', { port: 8081 });\np.synth();\n");

    const ns = ProjenrcEditor.parse("import * as gs from 'projen-go-service';\nconst p = new gs.GoServiceProject({ name: 'a' });\np.synth();\n");
    addService(ns, 'b', 8081, 'distroless');
    expect(ns.text).toBe("import * as gs from 'projen-go-service';\nconst p = new gs.GoServiceProject({ name: 'a' });\nnew gs.GoService(p, 'b', { port: 8081, runtime: gs.RuntimeStage.distroless() });\np.synth();\n");
  });

  test('an unsorted import gets the new name at its end', () => {
    const editor = ProjenrcEditor.parse("import { RuntimeStage, GoServiceProject } from 'projen-go-service';\nconst project = new GoServiceProject({ name: 'a', runtime: RuntimeStage.scratch() });\nproject.synth();\n");
    editor.ref('GoService');
    expect(editor.text.split('\n')[0]).toBe("import { RuntimeStage, GoServiceProject, GoService } from 'projen-go-service';");
  });

  test('the next free port is one above the highest port in the file (8080 when none is written)', () => {
    expect(Math.max(...ProjenrcEditor.parse(GENERATED).ports()) + 1).toBe(8081);
    expect(Math.max(...ProjenrcEditor.parse(USER).ports()) + 1).toBe(9091);
  });

  test('strings are escaped in the quotes of the file', () => {
    expect(ProjenrcEditor.parse(GENERATED).str('a"b\\c\'d')).toBe('"a\\"b\\\\c\'d"');
    expect(ProjenrcEditor.parse(USER).str('a"b\\c\'d')).toBe("'a\"b\\\\c\\'d'");
  });
});

describe('adding an add-on', () => {
  test('goes before project.synth() (and the comment attached to it) when there is none, after the last one otherwise', () => {
    const editor = ProjenrcEditor.parse(USER);
    editor.addAddonStatement(addonStatement(editor, { kind: 'postgres', name: 'postgres', services: ['shop'] }));
    editor.addAddonStatement(addonStatement(editor, { kind: 'redis', name: 'cache' }));
    const imports = USER.replace('  GoServiceProject,\n', '  GoServiceProject,\n  PostgresDatabase,\n').replace('  RuntimeStage,\n', '  RedisCache,\n  RuntimeStage,\n');
    const expected = withLines(imports, 18, "new PostgresDatabase(project, { services: ['shop'] });", "new RedisCache(project, { name: 'cache' });");
    expect(editor.text).toBe(expected);
    expect(editor.addons()).toEqual([
      { kind: 'postgres', name: 'postgres', services: ['shop'], removable: true },
      { kind: 'redis', name: 'cache', services: undefined, removable: true },
    ]);
  });

  test('without options when there are none to give', () => {
    const editor = ProjenrcEditor.parse(GENERATED);
    expect(addonStatement(editor, { kind: 'redis', name: 'redis' })).toBe('new RedisCache(project);');
  });
});

describe('setting an option', () => {
  test('replaces the value alone, keeping the comment after it', () => {
    const editor = ProjenrcEditor.parse(USER);
    expect(editor.setOption('port', '9000')).toBe(true);
    expect(editor.text).toBe(USER.replace('  port: 8080, // the storefront', '  port: 9000, // the storefront'));
  });

  test('adds a missing option after the last one, before the hint comments of the generated file', () => {
    const editor = ProjenrcEditor.parse(GENERATED);
    editor.setOption('port', '9090');
    expect(editor.text).toBe(withLines(GENERATED, 3, '  port: 9090,'));
  });

  test('follows the layout: no trailing comma, one line, one line with a trailing comma', () => {
    const noComma = "import { GoServiceProject } from 'projen-go-service';\nconst project = new GoServiceProject({\n  name: 'a' // the name\n});\nproject.synth();\n";
    const e1 = ProjenrcEditor.parse(noComma);
    e1.setOption('port', '9090');
    expect(e1.text).toBe(noComma.replace("  name: 'a' // the name\n", "  name: 'a', // the name\n  port: 9090\n"));

    const oneLine = "import { GoServiceProject } from 'projen-go-service';\nconst project = new GoServiceProject({ name: 'a' });\nproject.synth();\n";
    const e2 = ProjenrcEditor.parse(oneLine);
    e2.setOption('cgo', 'true');
    expect(e2.text).toBe(oneLine.replace("{ name: 'a' }", "{ name: 'a', cgo: true }"));

    const e3 = ProjenrcEditor.parse(oneLine.replace("{ name: 'a' }", "{ name: 'a', }"));
    e3.setOption('cgo', 'true');
    expect(e3.text).toBe(oneLine.replace("{ name: 'a' }", "{ name: 'a', cgo: true, }"));
  });

  test('a value it already has changes nothing', () => {
    const editor = ProjenrcEditor.parse(USER);
    expect(editor.setOption('port', '8080')).toBe(false);
    expect(editor.text).toBe(USER);
  });

  test('a shorthand property is refused', () => {
    const editor = ProjenrcEditor.parse("import { GoServiceProject } from 'projen-go-service';\nconst port = 1;\nconst project = new GoServiceProject({ name: 'a', port });\nproject.synth();\n");
    expect(() => editor.setOption('port', '2')).toThrow(new UneditableProjenrc('the option port is not written as port: <value> in the options of new GoServiceProject({...})'));
  });
});

describe('removing', () => {
  test('a service takes its attached comment and one of the blank lines around it', () => {
    const editor = ProjenrcEditor.parse(USER);
    expect(editor.removeService('worker')).toBe(true);
    // GoService is still used by nothing: its import goes too
    expect(editor.text).toBe(withoutLines(withoutLines(USER, 13, 3), 2));
  });

  test('adding a service and removing it gives the file back byte for byte', () => {
    for (const text of [GENERATED, USER]) {
      const editor = ProjenrcEditor.parse(text);
      addService(editor, 'pdf', 9999, 'alpine');
      editor.addAddonStatement(addonStatement(editor, { kind: 'redis', name: 'redis', services: ['pdf'] }));
      expect(editor.removeAddon('redis', 'redis')).toBe(true);
      expect(editor.removeService('pdf')).toBe(true);
      expect(editor.text).toBe(text);
    }
  });

  test('a file with CRLF line endings gets CRLF lines, and back byte for byte', () => {
    const crlf = USER.replace(/\n/g, '\r\n');
    const editor = ProjenrcEditor.parse(crlf);
    addService(editor, 'pdf', 9091);
    editor.setOption('cgo', 'false');
    expect(editor.text).toBe(withLines(USER, 15, "new GoService(project, 'pdf', { port: 9091 });").replace('  runtime: RuntimeStage.scratch(),\n', '  runtime: RuntimeStage.scratch(),\n  cgo: false,\n').replace(/\n/g, '\r\n'));
    editor.removeService('pdf');
    expect(editor.text).toBe(crlf.replace('  runtime: RuntimeStage.scratch(),\r\n', '  runtime: RuntimeStage.scratch(),\r\n  cgo: false,\r\n'));
  });

  test('a service leaves the services lists of the add-ons; a list it alone is in is refused', () => {
    const editor = ProjenrcEditor.parse(USER);
    editor.addAddonStatement(addonStatement(editor, { kind: 'postgres', name: 'postgres', services: ['shop', 'worker'] }));
    editor.addAddonStatement(addonStatement(editor, { kind: 'redis', name: 'redis', services: ['worker'] }));
    expect(() => editor.removeServiceFromAddons('worker')).toThrow("redis is connected to worker alone (services: ['worker']), and an empty list would connect it to no service");

    const ok = ProjenrcEditor.parse(USER);
    ok.addAddonStatement(addonStatement(ok, { kind: 'postgres', name: 'postgres', services: ['shop', 'worker'] }));
    expect(ok.removeServiceFromAddons('worker')).toEqual(['postgres']);
    expect(ok.text).toContain("new PostgresDatabase(project, { services: ['shop'] });");
  });

  test('a multi-line list element, last and without a trailing comma, takes the comma before it', () => {
    const text = "import { GoService, GoServiceProject, RedisCache } from 'projen-go-service';\nconst project = new GoServiceProject({ name: 'a' });\nnew GoService(project, 'b');\nnew RedisCache(project, {\n  services: [\n    'a',\n    'b'\n  ],\n});\nproject.synth();\n";
    const editor = ProjenrcEditor.parse(text);
    editor.removeServiceFromAddons('b');
    expect(editor.text).toBe(text.replace("    'a',\n    'b'\n", "    'a'\n"));
  });

  test('only top-level statements new GoService(project, <literal>, ...) are removable', () => {
    const editor = ProjenrcEditor.parse([
      "import { GoService, GoServiceProject } from 'projen-go-service';",
      "const project = new GoServiceProject({ name: 'a' });",
      "new GoService(project, 'b');",
      "const c = new GoService(project, 'c');",
      "for (const n of ['d']) new GoService(project, n);",
      'void c;',
      'project.synth();',
    ].join('\n'));
    expect(editor.services()).toEqual([
      { name: 'b', removable: true },
      { name: 'c', removable: false },
      { name: undefined, removable: false },
    ]);
    expect(editor.removeService('c')).toBe(false);
  });
});

describe('shapes it refuses, saying why', () => {
  const refusals: Array<[string, string, string]> = [
    ['the project built in a function',
      "import { GoServiceProject } from 'projen-go-service';\nfunction make() {\n  return new GoServiceProject({ name: 'a' });\n}\nmake().synth();\n",
      'the project is created inside a function (line 3), not by a top-level const project = new GoServiceProject({...})'],
    ['options from a variable',
      "import { GoServiceProject } from 'projen-go-service';\nconst options = { name: 'a' };\nconst project = new GoServiceProject(options);\nproject.synth();\n",
      'the options of new GoServiceProject (line 3) are not written out as an object literal ({ name: ..., ... })'],
    ['a spread in the options',
      "import { GoServiceProject } from 'projen-go-service';\nconst base = { port: 1 };\nconst project = new GoServiceProject({ name: 'a', ...base });\nproject.synth();\n",
      'the options of new GoServiceProject (line 3) use a spread (...), which could override what the command writes'],
    ['two projects',
      "import { GoServiceProject } from 'projen-go-service';\nconst a = new GoServiceProject({ name: 'a' });\nconst b = new GoServiceProject({ name: 'b' });\na.synth();\nb.synth();\n",
      'it creates 2 projects (lines 2, 3), and the command cannot tell which one to change'],
    ['a subclass (an org template)',
      "import { AcmeGoService } from '@acme/projen';\nconst project = new AcmeGoService({ name: 'a' });\nproject.synth();\n",
      "it does not import from 'projen-go-service'"],
    ['a subclass imported beside our classes',
      "import { RuntimeStage } from 'projen-go-service';\nimport { AcmeGoService } from '@acme/projen';\nconst project = new AcmeGoService({ name: 'a', runtime: RuntimeStage.scratch() });\nproject.synth();\n",
      'it has no new GoServiceProject({...}); a project type of your own (such as a subclass) or a project made elsewhere cannot be edited safely'],
    ['let instead of const',
      "import { GoServiceProject } from 'projen-go-service';\nlet project = new GoServiceProject({ name: 'a' });\nproject.synth();\n",
      'the project is created in an expression (line 2), not by a top-level const project = new GoServiceProject({...})'],
    ['synth inside a condition',
      "import { GoServiceProject } from 'projen-go-service';\nconst project = new GoServiceProject({ name: 'a' });\nif (process.env.X) project.synth();\n",
      'project.synth() is not called exactly once, as a top-level statement after the project'],
    ['no synth',
      "import { GoServiceProject } from 'projen-go-service';\nconst project = new GoServiceProject({ name: 'a' });\n",
      'project.synth() is not called exactly once, as a top-level statement after the project'],
  ];

  test.each(refusals)('%s', (_name, text, message) => {
    const editor = ProjenrcEditor.parse(text);
    expect(() => editor.assertEditable()).toThrow(new UneditableProjenrc(message));
    expect(editor.text).toBe(text);
  });

  test('the project variable is still guessed for the lines to add by hand', () => {
    expect(ProjenrcEditor.parse("import { GoServiceProject } from 'projen-go-service';\nlet p = new GoServiceProject({ name: 'a' });\np.synth();\n").projectVariableGuess).toBe('p');
    expect(ProjenrcEditor.parse(refusals[0][1]).projectVariableGuess).toBe('project');
  });
});
