import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import { build, projectArb } from './corpus/configurations';
import { INVALID_CONFIGS } from './invalid-configs';
import { KUBERNETES_VARIANTS } from './kubernetes-variants';
import { synth } from './util';

/**
 * The golden check (issue 20): every configuration of the corpus renders byte-identical files, and
 * every invalid one is refused with the same words, as recorded in test/__golden__/corpus.json. A
 * refactoring must leave the record as it is; a change of output on purpose updates it
 * (`GOLDEN_UPDATE=1 npx jest test/golden.test.ts`) and the diff of the snapshots that show it is
 * reviewed as code.
 */
const RECORD = join(__dirname, '__golden__', 'corpus.json');
const SEED = 20261206;
const RUNS = 300;

function digest(files: { [path: string]: any }): string {
  const h = createHash('sha256');
  for (const path of Object.keys(files).sort()) {
    const content = files[path];
    h.update(path).update('\0').update(typeof content === 'string' ? content : JSON.stringify(content)).update('\0');
  }
  return h.digest('hex').slice(0, 24);
}

function render(): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  fc.sample(projectArb, { seed: SEED, numRuns: RUNS }).forEach((spec, i) => {
    out[`generated ${String(i).padStart(3, '0')}`] = digest(synth(build(spec, { kubernetes: i % 3 === 0 })));
  });
  for (const [name, make] of Object.entries(KUBERNETES_VARIANTS)) {
    out[`kubernetes: ${name}`] = digest(synth(make({})));
  }
  for (const c of INVALID_CONFIGS) {
    let message = 'accepted';
    try {
      synth(c.build(mkdtempSync(join(tmpdir(), 'pgs-golden-'))));
    } catch (e) {
      message = (e as Error).message;
    }
    out[`invalid: ${c.name}`] = createHash('sha256').update(message).digest('hex').slice(0, 24);
  }
  return out;
}

describe('the golden check', () => {
  test(`${RUNS} generated configurations, the Kubernetes variants and the invalid corpus render as recorded`, () => {
    const now = render();
    if (process.env.GOLDEN_UPDATE === '1' || !existsSync(RECORD)) {
      if (process.env.CI === 'true') throw new Error(`${RECORD} is missing or asked to be updated in CI: update it on purpose, locally`);
      mkdirSync(join(__dirname, '__golden__'), { recursive: true });
      writeFileSync(RECORD, `${JSON.stringify(now, null, 1)}\n`);
    }
    const recorded = JSON.parse(readFileSync(RECORD, 'utf-8'));
    const changed = Object.keys({ ...recorded, ...now }).filter((k) => recorded[k] !== now[k]);
    expect(Object.keys(now).length).toBeGreaterThan(RUNS);
    expect(changed).toEqual([]);
  });
});
