import { AnalyzedMain, AnalyzedPath } from '../src/go/analyzer';
import { DataFlag, dataFlagSettings, dataFlagsOf, withMovedData } from '../src/go/data-flags';
import { imageDataDirectory } from '../src/go/data-variables';

function write(over: Partial<AnalyzedPath>): AnalyzedPath {
  return { path: 'data', kind: 'flag', absolute: false, call: 'os.MkdirAll', source: 'main.go:12', flag: '', env: '', ...over };
}

function flag(name: string, def: string, env: string[] = [], dash = '--'): AnalyzedMain['flags'][number] {
  return { name, syntax: `${dash}${name}`, default: def, env };
}

const TSDB: DataFlag = { name: 'storage.tsdb.path', syntax: '--storage.tsdb.path', default: 'data/', variables: [], under: '', where: 'os.MkdirAll at tsdb/flock.go:32' };

describe('a data directory a flag moves', () => {
  test('the flags whose value is a directory the program creates or writes a file in: the outermost directory of each', () => {
    const flags = [flag('storage.path', 'data/', [], '-'), flag('wal.dir', 'wal'), flag('db', 'state/app.db', ['APP_DB']), flag('listen', ':80')];
    const out = dataFlagsOf([
      // a file under the value first, then the value itself: the value wins
      write({ path: 'data/stash.lock', call: 'os.WriteFile', flag: '-storage.path', source: 'main.go:23' }),
      write({ path: 'data/', flag: '-storage.path', source: 'main.go:18' }),
      // a directory under the value
      write({ path: 'wal/segments', flag: '--wal.dir', source: 'wal.go:9' }),
      // a file the flag names: its directory
      write({ path: 'state/app.db', call: 'os.OpenFile', flag: '--db', source: 'db.go:4' }),
      // no flag, a flag not defined, a path that is not the flag's value
      write({ path: 'cache' }),
      write({ path: 'x', flag: '--unknown' }),
      write({ path: 'elsewhere/x', call: 'os.Create', flag: '--listen' }),
    ], flags);
    expect(out).toEqual([
      { name: 'storage.path', syntax: '-storage.path', default: 'data/', variables: [], under: '', where: 'os.MkdirAll at main.go:18' },
      { name: 'wal.dir', syntax: '--wal.dir', default: 'wal', variables: [], under: 'segments', where: 'os.MkdirAll at wal.go:9' },
      { name: 'db', syntax: '--db', default: 'state/app.db', variables: ['APP_DB'], under: '..', where: 'os.OpenFile at db.go:4' },
    ]);
  });

  test('a flag with no default: the value itself, or the directory of the file it names', () => {
    expect(dataFlagsOf([write({ path: '', flag: '--dir' })], [flag('dir', '')])[0].under).toBe('');
    expect(dataFlagsOf([write({ path: 'lock', call: 'os.Create', flag: '--dir' })], [flag('dir', '')])[0].under).toBe('');
    expect(dataFlagsOf([write({ path: '', call: 'os.Create', flag: '--out' })], [flag('out', '')])[0].under).toBe('..');
  });

  test('their Dockerfile\'s CMD sets it (prometheus\' --storage.tsdb.path=/prometheus): that value is a data directory, and adopt says which flag, which value, from where', () => {
    const out = dataFlagSettings([TSDB], [
      { args: [], from: 'the arguments adopt gives it' },
      { args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus/'], from: 'its arguments in the Dockerfile' },
    ], {});
    expect(out.directories).toEqual(['/prometheus']);
    expect(out.facts).toEqual(['its data directory is flag --storage.tsdb.path (os.MkdirAll at tsdb/flock.go:32, default data/), set by --storage.tsdb.path=/prometheus/ (its arguments in the Dockerfile): /prometheus is a data directory (writable, a volume in compose)']);
  });

  test.each([
    [['-storage.tsdb.path=/a'], '/a'],
    [['--storage.tsdb.path', '/b'], '/b'],
    [['serve', '--storage.tsdb.path=/a', '--storage.tsdb.path=/c'], '/c'],
    [['--storage.tsdb.path=store'], 'store'],
    [['--storage.tsdb.path=./store/'], 'store'],
  ])('the arguments %j: the last value the flag gets, %s', (args, dir) => {
    expect(dataFlagSettings([TSDB], [{ args, from: 'x' }], {}).directories).toEqual([dir]);
  });

  test.each([
    [['--storage.tsdb.path.other=/a']],
    [['--storage.tsdb.path']],
    [['--storage.tsdb.path', '--other']],
    [['--storage.tsdb.path=/tmp/x']],
    [['--storage.tsdb.path=/']],
    [['--storage.tsdb.path=$DATA']],
    [['--storage.tsdb.path=../up']],
    [['positional', '/prometheus']],
  ])('the arguments %j move no data directory', (args) => {
    expect(dataFlagSettings([TSDB], [{ args, from: 'x' }], {})).toEqual({ directories: [], facts: [] });
  });

  test('adopt names the words that set it, as the arguments have them', () => {
    const std: DataFlag = { ...TSDB, name: 'storage.path', syntax: '-storage.path' };
    expect(dataFlagSettings([std], [{ args: ['--storage.path=/store'], from: 'its arguments in the Dockerfile' }], {}).facts[0])
      .toContain('flag -storage.path (os.MkdirAll at tsdb/flock.go:32, default data/), set by --storage.path=/store (its arguments in the Dockerfile): /store is');
    expect(dataFlagSettings([TSDB], [{ args: ['--storage.tsdb.path', '/b'], from: 'x' }], {}).facts[0]).toContain('set by --storage.tsdb.path /b (x): /b is');
  });

  test('a directory under the value, and the directory of a file the flag names', () => {
    const flags: DataFlag[] = [{ ...TSDB, name: 'wal.dir', syntax: '--wal.dir', under: 'segments' }, { ...TSDB, name: 'db', syntax: '--db', under: '..' }];
    expect(dataFlagSettings(flags, [{ args: ['--wal.dir=/wal', '--db=/state/app.db'], from: 'x' }], {}).directories).toEqual(['/wal/segments', '/state']);
  });

  test('the image\'s ENV sets a variable of the flag: that value, unless an argument sets the flag or it is a data variable already', () => {
    const f: DataFlag = { ...TSDB, variables: ['TSDB_PATH'] };
    const byEnv = dataFlagSettings([f], [{ args: [], from: 'x' }], { TSDB_PATH: '/tsdb' });
    expect(byEnv.directories).toEqual(['/tsdb']);
    expect(byEnv.facts[0]).toContain('set by TSDB_PATH=/tsdb (your image\'s ENV; TSDB_PATH is a variable of the flag): /tsdb is a data directory');
    expect(dataFlagSettings([f], [{ args: ['--storage.tsdb.path=/arg'], from: 'x' }], { TSDB_PATH: '/tsdb' }).directories).toEqual(['/arg']);
    expect(dataFlagSettings([f], [], { TSDB_PATH: '/tsdb' }, ['TSDB_PATH']).directories).toEqual([]);
    expect(dataFlagSettings([f], [], {}).directories).toEqual([]);
  });

  test('the directories the defaults gave that lie inside a moved one are dropped; others are kept', () => {
    // prometheus: WORKDIR /prometheus, its defaults data and chunks_head, moved to /prometheus
    expect(withMovedData(['chunks_head', 'data'], ['/prometheus'], '/prometheus')).toEqual(['/prometheus']);
    // the default stays writable for a run with other arguments
    expect(withMovedData(['data'], ['/store'], '/app')).toEqual(['data', '/store']);
    expect(withMovedData(['/store/x', 'data', '/store'], ['/store'], '/app')).toEqual(['data', '/store']);
    expect(withMovedData(['data'], ['data/sub'], '/app')).toEqual(['data', 'data/sub']);
    expect(withMovedData(['data/sub'], ['data'], '/app')).toEqual(['data']);
    // the same last name would share one volume: the moved one stays
    expect(withMovedData(['data', 'cache'], ['/data'], '/app')).toEqual(['cache', '/data']);
  });

  test('a value names a data directory in the image only when it is a plain path that stays out of system directories', () => {
    expect(imageDataDirectory('/shiori/')).toBe('/shiori');
    expect(imageDataDirectory('./data/')).toBe('data');
    expect(imageDataDirectory('.')).toBe('.');
    for (const v of ['', '/', '/etc/app', '/tmp', '/run/x', '$DATA', '~/.app', 'a/../../b', '/data/*', '{executable-dir}/x']) {
      expect(imageDataDirectory(v)).toBeUndefined();
    }
  });
});
