import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { validate } from 'dockerfile-utils';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { composeValidator } from './compose-schema';
import { build, projectArb } from './corpus/configurations';
import { synth } from './util';

/**
 * Issue 6: every valid configuration is clean. fast-check generates configurations over the option
 * space (valid ones only) with a fixed seed; each must synthesize deterministically and give files the
 * real tools accept. On failure fast-check prints the shrunk, minimal counterexample.
 *
 * More runs: PGS_PROPERTY_RUNS=5000 npx jest test/property.test.ts (PGS_PROPERTY_SEED picks another seed).
 */
const RUNS = Number(process.env.PGS_PROPERTY_RUNS ?? 500);
const SEED = Number(process.env.PGS_PROPERTY_SEED ?? 20261123);

describe('every valid configuration is clean', () => {
  const validateCompose = composeValidator();
  const scratch = mkdtempSync(join(tmpdir(), 'pgs-prop-tools-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test(`${RUNS} generated configurations (seed ${SEED})`, () => {
    fc.assert(fc.property(projectArb, (spec) => {
      const a = synth(build(spec));
      const b = synth(build(spec));
      expect(b).toEqual(a);

      expect(validate(a.Dockerfile)).toEqual([]);
      expect(validateCompose(YAML.parse(a['docker-compose.yml']))).toEqual([]);

      writeFileSync(join(scratch, 'Makefile'), a.Makefile);
      execFileSync('make', ['-n', 'help'], { cwd: scratch, stdio: 'pipe' });
      writeFileSync(join(scratch, 'go.mod'), a['go.mod']);
      const mod = JSON.parse(execFileSync('go', ['mod', 'edit', '-json'], { cwd: scratch, encoding: 'utf-8' }));
      expect(mod.Module.Path).toBe(spec.modulePath ?? `example.com/${spec.name}`);
      expect(mod.Go).toBe(spec.goVersion);
    }), { numRuns: RUNS, seed: SEED });
  });
});
