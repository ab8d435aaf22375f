import { AnalyzedPath } from '../src/go/analyzer';
import { dataVariableSettings, dataVariablesOf, homeWriteFact, underHome } from '../src/go/data-variables';

function write(over: Partial<AnalyzedPath>): AnalyzedPath {
  return { path: 'data', kind: 'literal', absolute: false, call: 'os.MkdirAll', source: 'main.go:12', flag: '', env: '', ...over };
}

describe('a data directory a variable moves', () => {
  test('the variables whose value is a directory the program creates (Mkdir, MkdirAll), once each', () => {
    const vars = dataVariablesOf([
      write({ path: '{executable-dir}/notes-data', kind: 'env', env: 'NOTES_DIR', source: 'cmd/root.go:40' }),
      write({ path: '{executable-dir}/notes-data', kind: 'env', env: 'NOTES_DIR', source: 'cmd/root.go:55' }),
      write({ path: 'cache', kind: 'config-tag', env: 'NOTES_CACHE', call: 'os.Mkdir' }),
      // a file a variable names is not a directory
      write({ path: 'notes.log', kind: 'env', env: 'NOTES_LOG', call: 'os.Create' }),
      write({ path: 'plain' }),
    ]);
    expect(vars).toEqual([
      { name: 'NOTES_DIR', fallback: '{executable-dir}/notes-data', where: 'os.MkdirAll at cmd/root.go:40' },
      { name: 'NOTES_CACHE', fallback: 'cache', where: 'os.Mkdir at main.go:12' },
    ]);
  });

  test('where the repository\'s image sets it (its Dockerfile\'s ENV), that directory is a data directory', () => {
    const out = dataVariableSettings([{ name: 'NOTES_DIR', fallback: '{executable-dir}/notes-data', where: 'os.MkdirAll at cmd/root.go:40' }], { NOTES_DIR: '/notes/' }, 'notes');
    expect(out.environment).toEqual({});
    expect(out.directories).toEqual(['/notes']);
    expect(out.facts[0]).toMatch(/^its data directory is NOTES_DIR \(os.MkdirAll at cmd\/root.go:40\): \/notes, as your image set it/);
  });

  test.each([
    ['{executable-dir}/notes-data'],
    ['$HOME/.local/share/notes'],
  ])('unset, it falls back to %j, which a read-only image cannot write: the image sets it to /var/lib/<service>', (fallback) => {
    const out = dataVariableSettings([{ name: 'NOTES_DIR', fallback, where: 'os.MkdirAll at x.go:1' }], {}, 'notes');
    expect(out.environment).toEqual({ NOTES_DIR: '/var/lib/notes' });
    expect(out.directories).toEqual(['/var/lib/notes']);
  });

  test('a fallback under the working directory is left to the program; system directories and values with variables are not data directories', () => {
    expect(dataVariableSettings([{ name: 'NOTES_DIR', fallback: 'data', where: 'w' }], {}, 'notes').directories).toEqual([]);
    // an empty default (a cache directory that is off unless set) stays off
    expect(dataVariableSettings([{ name: 'NOTES_CACHE', fallback: '', where: 'w' }], {}, 'notes')).toEqual({ environment: {}, directories: [], facts: [] });
    for (const theirs of ['/tmp/notes', '/', '$HOME/notes', 'relative']) {
      expect(dataVariableSettings([{ name: 'NOTES_DIR', fallback: '{executable-dir}/x', where: 'w' }], { NOTES_DIR: theirs }, 'notes').directories).toEqual([]);
    }
  });
});

test('a directory under the home is no data directory of the image: said, with where it is written', () => {
  for (const p of ['~', '~/.notes', '~/.notes/db', '$HOME', '$HOME/.cache/notes']) expect(underHome(p)).toBe(true);
  for (const p of ['.', 'data', '/var/lib/notes', '~notes', 'home/~']) expect(underHome(p)).toBe(false);
  expect(homeWriteFact('~/.notes', 'os.MkdirAll at store/db.go:81')).toMatch(/^WARNING: it writes under its home directory \(~\/\.notes, os\.MkdirAll at store\/db\.go:81\)/);
});
