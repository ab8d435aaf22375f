/**
 * Renders BENCHMARKS.md again from benchmarks/results.json, without measuring anything: for a change
 * of the report's wording. `npx tsx benchmarks/render.ts`.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { renderMarkdown, Results } from './report';

const repo = join(__dirname, '..');
const results: Results = JSON.parse(readFileSync(join(repo, 'benchmarks', 'results.json'), 'utf-8'));
writeFileSync(join(repo, 'BENCHMARKS.md'), renderMarkdown(results));
