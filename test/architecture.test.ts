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

const graph = importGraph();
const isRenderer = (m: string) => m.startsWith('files/');
const isCli = (m: string) => m.startsWith('cli/');
const PROJECT = 'go-service-project.ts';
/** The model: the constructs and value objects users compose, and the private facts they share. */
const isModel = (m: string) => !isRenderer(m) && !isCli(m) && m !== PROJECT && m !== 'index.ts' && m !== 'policy.ts';

describe('the import structure', () => {
  test('the graph was read (guards the test itself)', () => {
    expect(graph.get(PROJECT)?.map((e) => e.to)).toEqual(expect.arrayContaining(['files/dockerfile.ts', 'go-service.ts', 'private/model.ts']));
    expect(graph.get('files/compose.ts')?.map((e) => e.to)).toContain('private/model.ts');
  });

  test('has no cycle, type imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  test('renderers read the model, never the project class, the CLI or another renderer', () => {
    const bad: string[] = [];
    for (const [from, edges] of graph) {
      if (!isRenderer(from)) continue;
      for (const { to } of edges) {
        // the Dockerfile component renders through its own plan: one renderer in two files
        const ownPlan = from === 'files/dockerfile.ts' && to === 'files/dockerfile-plan.ts';
        if (to === PROJECT || isCli(to) || (isRenderer(to) && !ownPlan)) bad.push(`${from} imports ${to}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('the model imports no renderer, no project and no CLI', () => {
    const bad: string[] = [];
    for (const [from, edges] of graph) {
      if (!isModel(from)) continue;
      for (const { to } of edges) {
        if (!isModel(to)) bad.push(`${from} imports ${to}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('every renderer takes the narrow model (ProjectModel), not GoServiceProject', () => {
    for (const [from] of graph) {
      if (!isRenderer(from)) continue;
      expect(readFileSync(join(SRC, from), 'utf-8')).not.toMatch(/:\s*GoServiceProject\b/);
    }
  });
});
