import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { JsonFile, Project, TextFile } from 'projen';
import { permissions } from '../../src/synthesis/fs-safe';
import { fileMode, initProjectOf, postSynthesisDisabled, recordSynthesized, renderFile } from '../../src/synthesis/projen-adapter';

/**
 * Pins what src/synthesis/projen-adapter.ts relies on in projen's internals: a projen upgrade that
 * changes one of these fails here, and nowhere else.
 */
function project(): Project {
  return new Project({ name: 'pinned', outdir: mkdtempSync(join(tmpdir(), 'pgs-adapter-')) });
}

describe('projen internals the synthesis relies on', () => {
  test('renderFile gives what FileBase.synthesize() writes (protected synthesizeContent with projen\'s resolver)', () => {
    // GIVEN projen's own files
    const p = project();
    const text = new TextFile(p, 'notes.txt', { lines: ['one', 'two'] });
    const json = new JsonFile(p, 'data.json', { obj: { b: 2, a: { nested: true } } });
    // WHEN projen writes them itself
    text.synthesize();
    json.synthesize();
    // THEN our rendering is byte for byte what it wrote
    expect(renderFile(text)).toBe(readFileSync(join(p.outdir, 'notes.txt'), 'utf-8'));
    expect(renderFile(json)).toBe(readFileSync(join(p.outdir, 'data.json'), 'utf-8'));
  });

  test('fileMode is the mode projen gives a file (read-only, executable)', () => {
    const p = project();
    const cases = [
      new TextFile(p, 'ro.txt', { lines: ['x'] }),
      new TextFile(p, 'rw.txt', { lines: ['x'], readonly: false }),
      new TextFile(p, 'rox.sh', { lines: ['x'], executable: true }),
      new TextFile(p, 'rwx.sh', { lines: ['x'], readonly: false, executable: true }),
    ];
    for (const f of cases) {
      f.synthesize();
      expect([f.path, permissions(join(p.outdir, f.path))]).toEqual([f.path, fileMode(f)]);
    }
  });

  test('recordSynthesized sets what file.changed reports (private _changed)', () => {
    const p = project();
    const f = new TextFile(p, 'x.txt', { lines: ['x'] });
    recordSynthesized(f, undefined, 'x\n', true);
    expect(f.changed).toBe(true);
    recordSynthesized(f, 'x\n', 'x\n', false);
    expect(f.changed).toBe(false);
  });

  test('initProjectOf reads the field behind the deprecated public initProject', () => {
    const p = project();
    expect(Object.prototype.hasOwnProperty.call(p, '_initProject')).toBe(true);
    expect(initProjectOf(p)).toBe(p.initProject);
  });

  test('PROJEN_DISABLE_POST is read as projen reads it', () => {
    const before = process.env.PROJEN_DISABLE_POST;
    try {
      for (const [value, off] of [['true', true], ['1', true], ['false', false], ['0', false], ['', false]] as const) {
        process.env.PROJEN_DISABLE_POST = value;
        expect([value, postSynthesisDisabled()]).toEqual([value, off]);
      }
    } finally {
      if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
      else process.env.PROJEN_DISABLE_POST = before;
    }
  });
});
