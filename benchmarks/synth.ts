import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { GoService, GoServiceProject } from '../src';
import { log, median, run } from './lib';
import { newRepo } from '../test/e2e/fixtures';

export interface SynthResult {
  /** In-process synth() time in ms, by number of services. */
  readonly inProcess: { [services: string]: number[] };
  readonly npxProjen: { ours: number[]; bare: number[]; ratio: number };
  /** `npx projen` where the service imports many packages of the module: the Go graph read each time. */
  readonly npxProjenGraph?: { packages: number; ours: number[]; goList: number[]; ratio: number };
}

/** Packages the graph row's service imports, in a chain (each imports the next). */
const GRAPH_PACKAGES = 40;

/** One in-process synthesis of a project with `n` services, in ms. */
function synthOnce(n: number): number {
  const outdir = mkdtempSync(join(tmpdir(), 'pgs-bench-synth-'));
  const start = performance.now();
  const project = new GoServiceProject({ name: 'bench', outdir });
  for (let i = 1; i < n; i++) new GoService(project, `svc-${i}`, { port: 9000 + i });
  project.synth();
  const ms = performance.now() - start;
  rmSync(outdir, { recursive: true, force: true });
  return ms;
}

/**
 * Row 3: in-process synth() of 1, 10 and 100 services, and `npx projen` in a one-service repo
 * against a bare projen Project with the same tsx runner (what this package adds).
 */
export function synthesis(runs: number): SynthResult {
  process.env.PROJEN_DISABLE_POST = 'true';
  synthOnce(1); // warm the module cache: the figures are for synthesis, not for loading projen
  const inProcess: { [services: string]: number[] } = {};
  for (const n of [1, 10, 100]) {
    inProcess[n] = Array.from({ length: runs }, () => synthOnce(n));
    log(`synth() of ${n} services: median ${median(inProcess[n]).toFixed(1)} ms`);
  }
  delete process.env.PROJEN_DISABLE_POST;

  const ours = newRepo('bench-synth');
  const bare = join(ours, '..', 'bare');
  mkdirSync(bare);
  // the same projen, constructs and tsx as the generated repo
  symlinkSync(join(ours, 'node_modules'), join(bare, 'node_modules'));
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare', private: true }));
  writeFileSync(join(bare, '.projenrc.ts'), [
    "import { Project } from 'projen';",
    "import { ProjenrcTs, TypeScriptRunner } from 'projen/lib/typescript';",
    "const project = new Project({ name: 'bare' });",
    "new ProjenrcTs(project, { runner: TypeScriptRunner.tsx({ tsconfig: 'tsconfig.projen.json' }) });",
    'project.synth();',
    '',
  ].join('\n'));
  run('npx', ['tsx', '.projenrc.ts'], { cwd: bare });
  const times = { ours: [] as number[], bare: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const [which, dir] of (i % 2 ? [['bare', bare], ['ours', ours]] : [['ours', ours], ['bare', bare]]) as Array<['ours' | 'bare', string]>) {
      times[which].push(run('npx', ['projen'], { cwd: dir }).ms);
    }
  }
  log(`npx projen: ours ${median(times.ours)} ms, bare ${median(times.bare)} ms`);

  // the same repository, its service importing a chain of packages at the top level
  for (let i = 0; i < GRAPH_PACKAGES; i++) {
    const next = i + 1 < GRAPH_PACKAGES ? `\nimport _ "example.com/bench-synth/p${i + 1}"\n` : '';
    mkdirSync(join(ours, `p${i}`), { recursive: true });
    writeFileSync(join(ours, `p${i}`, `p${i}.go`), `package p${i}\n${next}`);
  }
  writeFileSync(join(ours, 'cmd', 'bench-synth', 'deps.go'), 'package main\n\nimport _ "example.com/bench-synth/p0"\n');
  run('npx', ['projen'], { cwd: ours });
  const graph = { ours: [] as number[], bare: [] as number[], goList: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const [which, dir] of (i % 2 ? [['bare', bare], ['ours', ours]] : [['ours', ours], ['bare', bare]]) as Array<['ours' | 'bare', string]>) {
      graph[which].push(run('npx', ['projen'], { cwd: dir }).ms);
    }
    graph.goList.push(run('go', ['list', '-e', '-deps', '-json', './cmd/bench-synth'], { cwd: ours }).ms);
  }
  log(`npx projen with ${GRAPH_PACKAGES} packages: ours ${median(graph.ours)} ms, bare ${median(graph.bare)} ms, go list ${median(graph.goList)} ms`);
  return {
    inProcess,
    npxProjen: { ...times, ratio: median(times.ours) / median(times.bare) },
    npxProjenGraph: { packages: GRAPH_PACKAGES, ours: graph.ours, goList: graph.goList, ratio: median(graph.ours) / median(graph.bare) },
  };
}
