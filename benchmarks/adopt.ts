import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { basename, join } from 'path';
import { log, median } from './lib';
import { packedTarball, run } from '../test/e2e/fixtures';

export interface AdoptResult {
  /** By repository: its Go files, and `adopt --dry-run` wall times in ms (modules already downloaded, analyzer already built). */
  readonly repos: Array<{ repo: string; goFiles: number; ms: number[] }>;
  /** When and under what load it was measured (the machine is shared: adopt's times grow with its load). */
  readonly measuredOn?: string;
}

/** How many .go files a tree has (vendor/ and testdata/ aside). */
function goFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!['.git', 'node_modules', 'vendor', 'testdata'].includes(e.name)) n += goFiles(join(dir, e.name));
    } else if (e.name.endsWith('.go')) {
      n++;
    }
  }
  return n;
}

/**
 * Row 5: adopt's time, `adopt --dry-run` from the released tarball (it asks the Go toolchain, runs the
 * analyzer and synthesizes the planned .projenrc.ts in a copy; no npm install), on our largest
 * fixture and on the repositories BENCH_ADOPT_REPOS names (colon-separated module directories, such
 * as real services fetched for the trial).
 */
export function adoptTimes(runs: number): AdoptResult {
  const tgz = packedTarball();
  const fixtures = join(__dirname, '..', 'test', 'fixtures', 'repos');
  const largest = readdirSync(fixtures).map((f) => join(fixtures, f)).filter((d) => statSync(d).isDirectory())
    .sort((a, b) => goFiles(b) - goFiles(a))[0];
  const repos = [largest, ...(process.env.BENCH_ADOPT_REPOS ?? '').split(':').filter(Boolean)];
  const out: AdoptResult['repos'] = [];
  for (const repo of repos) {
    const work = mkdtempSync(join(tmpdir(), 'pgs-bench-adopt-'));
    const copy = join(work, basename(repo));
    cpSync(repo, copy, { recursive: true, filter: (src) => !src.includes('/node_modules') && !src.endsWith('/.projenrc.ts') });
    const ms: number[] = [];
    // the first run downloads modules and builds the analyzer once: not counted
    run('npx', ['--yes', `--package=${tgz}`, 'projen-go-service', 'adopt', '--dry-run'], { cwd: copy });
    for (let i = 0; i < runs; i++) ms.push(run('npx', ['--yes', `--package=${tgz}`, 'projen-go-service', 'adopt', '--dry-run'], { cwd: copy }).ms);
    out.push({ repo: repo.startsWith(fixtures) ? `fixture ${basename(repo)}` : basename(repo), goFiles: goFiles(repo), ms });
    log(`adopt --dry-run ${basename(repo)} (${goFiles(repo)} Go files): median ${median(ms)} ms`);
    rmSync(work, { recursive: true, force: true });
  }
  return { repos: out, measuredOn: `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model.trim()}, load average ${loadavg()[0].toFixed(1)} at the end` };
}
