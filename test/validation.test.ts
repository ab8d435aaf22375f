import { existsSync, mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { INVALID_CONFIGS } from './invalid-configs';

describe('invalid configurations are refused before anything is written', () => {
  test('the corpus has at least 40 cases', () => {
    expect(INVALID_CONFIGS.length).toBeGreaterThanOrEqual(40);
  });

  test.each(INVALID_CONFIGS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // GIVEN an empty directory
    const outdir = mkdtempSync(join(tmpdir(), 'pgs-invalid-'));
    // WHEN the configuration is built and synthesized
    const attempt = () => c.build(outdir).synth();
    // THEN it is refused with the exact message, and nothing is written
    expect(attempt).toThrow(expect.objectContaining({ message: c.message }));
    expect(readdirSync(outdir)).toEqual([]);
    expect(existsSync(join(outdir, 'go.mod'))).toBe(false);
  });
});
