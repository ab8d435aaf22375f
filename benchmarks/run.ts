/**
 * `npm run bench`: figures, never assertions. Uses the real Docker engine (../shared/docker/engine-up)
 * and writes benchmarks/results.json and BENCHMARKS.md. Not part of the test suite.
 *
 * `npx tsx benchmarks/render.ts` renders BENCHMARKS.md again from results.json without measuring.
 * BENCH_RUNS sets the number of alternating rebuild runs (default 5) and synthesis samples (twice that).
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { imageSizes } from './image-size';
import { log, machine } from './lib';
import { rebuildAgainstConventional } from './rebuild';
import { renderMarkdown, Results } from './report';
import { reproducibility } from './reproducible';
import { synthesis } from './synth';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const start = Date.now();
const repo = join(__dirname, '..');

log('1/4 image sizes');
const sizes = imageSizes();
log('2/4 ours against the conventional Dockerfile');
const rebuild = rebuildAgainstConventional(RUNS);
log('3/4 synthesis');
const synth = synthesis(Math.max(10, RUNS * 2));
log('4/4 reproducibility');
const reproducible = reproducibility();

const results: Results = { machine: machine(), durationSeconds: Math.round((Date.now() - start) / 1000), sizes, rebuild, synth, reproducible };
writeFileSync(join(repo, 'benchmarks', 'results.json'), `${JSON.stringify(results, undefined, 2)}\n`);
writeFileSync(join(repo, 'BENCHMARKS.md'), renderMarkdown(results));
log(`wrote benchmarks/results.json and BENCHMARKS.md in ${results.durationSeconds} s`);
