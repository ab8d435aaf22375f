import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

/**
 * Issue 13: data flows one way, options → model → renderers → files. The import graph of src/ says
 * whether it does: no module imports itself back (type imports included), the renderers (src/files)
 * read the model only (never the project class, the CLI or another renderer), and the model never
 * imports a renderer, the project or the CLI.
 */
const SRC = resolve(__dirname, '..', 'src');

interface Edge {
  readonly to: string;
  readonly typeOnly: boolean;
}

/** src-relative path → the src modules it imports (relative imports only). */
function importGraph(): Map<string, Edge[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(SRC);
  const graph = new Map<string, Edge[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf-8');
    const edges: Edge[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)) {
      const target = resolve(dirname(f), m[2]);
      const file = files.includes(`${target}.ts`) ? `${target}.ts` : join(target, 'index.ts');
      edges.push({ to: relative(SRC, file), typeOnly: m[1] !== undefined });
    }
    for (const m of text.matchAll(/require\('(\.[^']+)'\)/g)) {
      edges.push({ to: relative(SRC, `${resolve(dirname(f), m[1])}.ts`), typeOnly: false });
    }
    graph.set(relative(SRC, f), edges);
  }
  return graph;
}

function cycles(graph: Map<string, Edge[]>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (n: string) => {
    const at = stack.indexOf(n);
    if (at >= 0) {
      found.push([...stack.slice(at), n].join(' → '));
      return;
    }
    if (done.has(n)) return;
    stack.push(n);
    for (const e of graph.get(n) ?? []) visit(e.to);
    stack.pop();
    done.add(n);
  };
  for (const n of [...graph.keys()].sort()) visit(n);
  return found;
}

/** The role of a module of src/, by its folder. */
export function roleOf(m: string): string {
  const top = m.split('/')[0];
  if (['model', 'go', 'synthesis', 'files', 'cli', 'dockerfile', 'addons'].includes(top) && m.includes('/')) return top;
  return 'constructs';
}

/**
 * The roles and whom each may import (besides its own folder): the rules the code keeps.
 * - files/ (renderers): the model and the Dockerfile model only; never a construct, the project,
 *   the synthesis, the Go toolchain, the CLI or another renderer;
 * - model/ (plain data and the facts constructs share): no renderer, no synthesis, no CLI, no project
 *   (type imports of the constructs' public types are the vocabulary the data is written in);
 * - go/ (what we ask the Go toolchain): the model's facts only;
 * - synthesis/ (how files reach the disk): the model and the Go toolchain;
 * - cli/: never a renderer; nothing imports cli/.
 */
export const MAY_IMPORT: { [role: string]: string[] } = {
  files: ['model', 'dockerfile'],
  model: ['model', 'go', 'constructs-types'],
  go: ['model'],
  synthesis: ['model', 'go'],
  dockerfile: ['model'],
  cli: ['model', 'go', 'synthesis', 'constructs', 'addons', 'dockerfile'],
  addons: ['model', 'constructs'],
  constructs: ['model', 'go', 'synthesis', 'files', 'addons', 'dockerfile'],
};

/** Every import that breaks a role's rule, as `from imports to`. */
export function violations(g: Map<string, Edge[]>): string[] {
  const bad: string[] = [];
  for (const [from, edges] of g) {
    const role = roleOf(from);
    for (const { to, typeOnly } of edges) {
      const target = roleOf(to);
      if (target === role && role !== 'files') continue;
      // one renderer in two files: the Dockerfile component renders through its own plan
      if (from === 'files/dockerfile.ts' && to === 'files/dockerfile-plan.ts') continue;
      // the Makefile renders its pipeline section from a file of its own
      if (from === 'files/makefile.ts' && to === 'files/makefile-pipeline.ts') continue;
      const allowed = MAY_IMPORT[role] ?? [];
      const ok = allowed.includes(target) || (typeOnly && target === 'constructs' && allowed.includes('constructs-types'));
      if (!ok) bad.push(`${from} imports ${to}`);
    }
  }
  return bad;
}

/** Casts of the model to any (`(model as any).makefile`): the model is read through its types only. */
export function untypedModelReads(files: { [path: string]: string }): string[] {
  return Object.entries(files).filter(([, text]) => /\((?:this\.)?(?:model|m|context)\s+as\s+any\)/.test(text)).map(([path]) => path);
}

const graph = importGraph();
const sources = Object.fromEntries([...graph.keys()].map((m) => [m, readFileSync(join(SRC, m), 'utf-8')]));

describe('the import structure', () => {
  test('the graph was read (guards the test itself)', () => {
    expect(graph.get('go-service-project.ts')?.map((e) => e.to)).toEqual(expect.arrayContaining(['files/dockerfile.ts', 'go-service.ts', 'model/model.ts']));
    expect(graph.get('files/compose.ts')?.map((e) => e.to)).toContain('model/model.ts');
    expect(roleOf('files/compose.ts')).toBe('files');
    expect(roleOf('go-service.ts')).toBe('constructs');
  });

  test('has no cycle, type imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  test('every module keeps its role\'s rule', () => {
    expect(violations(graph)).toEqual([]);
  });

  test('nothing imports the CLI', () => {
    expect([...graph].flatMap(([from, edges]) => edges.filter((e) => roleOf(e.to) === 'cli' && roleOf(from) !== 'cli').map((e) => `${from} imports ${e.to}`))).toEqual([]);
  });

  test('no module reads the model through a cast to any', () => {
    expect(untypedModelReads(sources)).toEqual([]);
  });

  test('every renderer takes the model (ProjectModel), never the project class', () => {
    for (const [from, text] of Object.entries(sources)) {
      if (roleOf(from) === 'files') expect(text).not.toMatch(/:\s*GoServiceProject\b/);
    }
  });

  // the rules fail on what they forbid: each forbidden import, added to the real graph, is caught
  test.each([
    ['a renderer imports a construct', 'files/compose.ts', 'go-service.ts'],
    ['a renderer imports the project', 'files/makefile.ts', 'go-service-project.ts'],
    ['a renderer imports another renderer', 'files/makefile.ts', 'files/kubernetes.ts'],
    ['a renderer writes through the synthesis', 'files/samples.ts', 'synthesis/transaction.ts'],
    ['a renderer asks the Go toolchain', 'files/dockerignore.ts', 'go/go-graph.ts'],
    ['the CLI imports a renderer', 'cli/commands/adopt.ts', 'files/makefile.ts'],
    ['the model imports a renderer', 'model/wiring.ts', 'files/compose.ts'],
    ['the model imports the synthesis', 'model/model.ts', 'synthesis/transaction.ts'],
    ['the Go toolchain queries import the CLI', 'go/go-repo.ts', 'cli/exit-codes.ts'],
    ['the synthesis imports the CLI', 'synthesis/index.ts', 'cli/index.ts'],
  ])('%s (%s → %s) is caught', (_what, from, to) => {
    const g = new Map(graph);
    g.set(from, [...(g.get(from) ?? []), { to, typeOnly: false }]);
    expect(violations(g)).toEqual([`${from} imports ${to}`]);
  });

  test('a cast of the model to any is caught', () => {
    expect(untypedModelReads({ 'files/makefile.ts': 'const k8s = (this.model as any).kubernetes;' })).toEqual(['files/makefile.ts']);
  });
});
