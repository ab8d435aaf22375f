import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { tree } from './tree';
import { ADOPT_JOURNAL, AdoptTransaction, markAdoptCommitted } from '../../src/synthesis/adopt-transaction';

/**
 * Issue 22: adopt as one journaled change. What the next run does with what a kill left at each phase:
 * removed (still writing), rolled back (applying, its synthesis not committed), completed (committed).
 */

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function dir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'pgs-adopt-tx-')));
  made.push(d);
  return d;
}

/** A repository before adopt: a Makefile, a compose file make-or-Compose would read, a package.json of its own. */
function repo(): string {
  const root = dir();
  mkdirSync(join(root, '.projen'));
  writeFileSync(join(root, 'Makefile'), 'build:\n\tgo build ./...\n');
  writeFileSync(join(root, 'compose.yaml'), 'services: {}\n');
  writeFileSync(join(root, 'package.json'), '{ "name": "front" }\n');
  return root;
}

function adoptOf(root: string): AdoptTransaction {
  const tx = new AdoptTransaction(root);
  tx.move('Makefile', 'local.mk');
  tx.move('compose.yaml', '.pre-projen/compose.yaml');
  tx.write('package.json', '{ "name": "front", "devDependencies": {} }\n');
  tx.write('.projenrc.ts', 'project.synth();\n');
  return tx;
}

describe('an adopt killed at each phase, and the next run', () => {
  test('killed while writing: what it wrote beside the files goes, and it says nothing else changed', () => {
    const root = repo();
    const before = tree(root);
    adoptOf(root).prepare();
    // .projenrc.ts and the task list that runs it are in at once (npx projen can finish the adopt); the rest beside the files
    expect(readdirSync(root)).toContain('package.json.projen-tmp');
    expect(readdirSync(root)).toContain('.projenrc.ts');
    expect(JSON.parse(readFileSync(join(root, '.projen', 'tasks.json'), 'utf-8')).tasks.default.steps[0].execArgs).toEqual(['tsx', '.projenrc.ts']);
    expect(AdoptTransaction.recover(root, undefined)).toBe('removed what an adopt that did not finish had started to write (killed before it moved or replaced any file): the repository is as it was before it.');
    expect(tree(root)).toEqual(before);
  });

  test('killed after the moves, before its synthesis committed: every file back, byte and mode, new ones gone', () => {
    const root = repo();
    const before = tree(root);
    const tx = adoptOf(root);
    tx.prepare();
    tx.apply();
    expect(readFileSync(join(root, 'local.mk'), 'utf-8')).toBe('build:\n\tgo build ./...\n');
    expect(AdoptTransaction.recover(root, undefined)).toBe('rolled back an adopt that did not finish (killed before its synthesis was complete): every file it had moved or written is back as it was before it.');
    expect(tree(root)).toEqual(before);
  });

  test('killed while its synthesis was writing (its journal says writing): rolled back', () => {
    const root = repo();
    const before = tree(root);
    const tx = adoptOf(root);
    tx.prepare();
    tx.apply();
    expect(AdoptTransaction.recover(root, 'writing')).toMatch(/^rolled back an adopt/);
    expect(tree(root)).toEqual(before);
  });

  test('killed after its synthesis committed: completed (the old versions and the journal go, the moves stay)', () => {
    const root = repo();
    const tx = adoptOf(root);
    tx.prepare();
    tx.apply();
    markAdoptCommitted(root, true);
    expect(AdoptTransaction.recover(root, undefined)).toBe('completed an adopt that did not finish (killed after its synthesis had written the generated files): the repository is adopted.');
    // (.projen/tasks.json and files.json: the adopt's own, until the synthesis that was not run here replaces them)
    expect([...tree(root).keys()]).toEqual(['.pre-projen', '.pre-projen/compose.yaml', '.projen', '.projen/files.json', '.projen/tasks.json', '.projenrc.ts', 'local.mk', 'package.json']);
    expect(readFileSync(join(root, 'package.json'), 'utf-8')).toBe('{ "name": "front", "devDependencies": {} }\n');
  });

  test('committed, but the synthesis was rolling back (an immutable file): rolled back', () => {
    const root = repo();
    const before = tree(root);
    const tx = adoptOf(root);
    tx.prepare();
    tx.apply();
    markAdoptCommitted(root, true);
    expect(AdoptTransaction.recover(root, 'rolling-back')).toMatch(/^rolled back an adopt/);
    expect(tree(root)).toEqual(before);
  });

  test('a failed adopt rolled back by the live process: byte and mode identical', () => {
    const root = repo();
    const before = tree(root);
    const tx = adoptOf(root);
    tx.prepare();
    tx.apply();
    tx.rollBack();
    expect(tree(root)).toEqual(before);
  });

  test('a malformed journal gets the house message with the fix, and nothing is moved', () => {
    const root = repo();
    writeFileSync(join(root, ADOPT_JOURNAL), '{"phase": "applying", "moves": [["Makefile", "../outside"]], "writes": [], "replaced": [], "dirs": []}');
    const before = tree(root);
    expect(() => AdoptTransaction.recover(root, undefined)).toThrow('../outside: is not a path inside the repository. Name a file inside the repository, then run it again. Nothing was changed (.projen/go-service.adopt.json names it).');
    writeFileSync(join(root, ADOPT_JOURNAL), 'not json');
    expect(() => AdoptTransaction.recover(root, undefined)).toThrow('.projen/go-service.adopt.json: is not an adopt journal projen-go-service wrote (it is not JSON), so what the adopt it would finish did is unknown. Check the repository (git status), remove .projen/go-service.adopt.json and .projen/go-service.adopt, then run it again. Nothing was changed.');
    writeFileSync(join(root, ADOPT_JOURNAL), '{"phase": "applying", "moves": [["Makefile", "../outside"]], "writes": [], "replaced": [], "dirs": []}');
    expect(tree(root)).toEqual(before);
  });
});
