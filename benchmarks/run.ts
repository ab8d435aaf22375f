/**
 * `npm run bench`: figures, never assertions. Uses the real Docker engine (../shared/docker/engine-up)
 * and writes benchmarks/results.json and BENCHMARKS.md. Not part of the test suite.
 *
 * `npx tsx benchmarks/render.ts` renders BENCHMARKS.md again from results.json without measuring.
 * BENCH_RUNS sets the number of alternating rebuild runs and inner-loop samples (default 5) and synthesis samples (twice that).
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { adoptTimes } from './adopt';
import { devLoop } from './dev-loop';
import { imageSizes } from './image-size';
import { log, machine } from './lib';
import { rebuildAgainstConventional } from './rebuild';
import { renderMarkdown, Results } from './report';
import { reproducibility } from './reproducible';
import { synthesis } from './synth';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const start = Date.now();
const repo = join(__dirname, '..');

// BENCH_ONLY=synth,adopt runs those rows and keeps the others' figures from the last full run
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (row: string) => only.length === 0 || only.includes(row);
const previous: Partial<Results> = existsSync(join(repo, 'benchmarks', 'results.json')) ? JSON.parse(readFileSync(join(repo, 'benchmarks', 'results.json'), 'utf-8')) : {};

log('1/6 image sizes');
const sizes = wanted('sizes') ? imageSizes() : previous.sizes!;
log('2/6 ours against the conventional Dockerfile');
const rebuild = wanted('rebuild') ? rebuildAgainstConventional(RUNS) : previous.rebuild!;
log('3/6 synthesis');
const synth = wanted('synth') ? synthesis(Math.max(10, RUNS * 2)) : previous.synth!;
log('4/6 reproducibility');
const reproducible = wanted('reproducible') ? reproducibility() : previous.reproducible!;
log('5/6 adopt');
const adopt = wanted('adopt') ? adoptTimes(RUNS) : previous.adopt;

async function main(): Promise<void> {
  log('6/6 the inner loop (make dev)');
  const dev = wanted('dev') ? await devLoop(RUNS) : previous.dev;
  const durationSeconds = Math.round((Date.now() - start) / 1000);
  const results: Results = { machine: machine(), durationSeconds, sizes, rebuild, synth, reproducible, adopt, dev };
  writeFileSync(join(repo, 'benchmarks', 'results.json'), `${JSON.stringify(results, undefined, 2)}\n`);
  writeFileSync(join(repo, 'BENCHMARKS.md'), renderMarkdown(results));
  log(`wrote benchmarks/results.json and BENCHMARKS.md in ${results.durationSeconds} s`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
