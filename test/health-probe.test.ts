import { execFileSync } from 'child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HEALTH_PROBE_SOURCE } from '../src/model/health-probe';

/**
 * The health probe is Go: its tests are Go too (test/fixtures/health-probe/main_test.go), run here
 * next to the very source the Dockerfile writes. They read a fake /proc (which listeners are the
 * service's, which port comes first, what happens without /proc, the byte order of the addresses),
 * and run the built probe against real listeners of the test process through the real /proc.
 */
describe('the health probe (Go)', () => {
  let dir: string;
  const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'healthprobe-'));
    writeFileSync(join(dir, 'go.mod'), 'module healthprobe\n\ngo 1.21\n');
    writeFileSync(join(dir, 'main.go'), `${HEALTH_PROBE_SOURCE.join('\n')}\n`);
    copyFileSync(join(__dirname, 'fixtures', 'health-probe', 'main_test.go'), join(dir, 'main_test.go'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('is gofmt-clean and passes go vet', () => {
    expect(execFileSync('gofmt', ['-l', 'main.go'], { cwd: dir, encoding: 'utf-8' })).toBe('');
    execFileSync('go', ['vet', '.'], { cwd: dir, env: goEnv, stdio: 'pipe' });
  });

  test('passes its Go tests: /proc parsing, the order of the ports, the fallbacks, real listeners', () => {
    const out = execFileSync('go', ['test', '-count=1', '-v', '.'], { cwd: dir, env: goEnv, encoding: 'utf-8', stdio: 'pipe' });
    for (const t of ['TestListenersOfTheService', 'TestListenersWithoutProcessFds', 'TestListenersWithoutProc', 'TestAddress', 'TestProbeFindsTheRealListeners']) {
      expect(out).toContain(`--- PASS: ${t}`);
    }
  }, 120_000);

  test('builds static with the Dockerfile\'s flags, and stays small (under 2 MB)', () => {
    execFileSync('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', '-s -w', '-o', 'healthprobe', 'main.go'], { cwd: dir, env: goEnv, stdio: 'pipe' });
    const size = statSync(join(dir, 'healthprobe')).size;
    // eslint-disable-next-line no-console
    console.log(`healthprobe: ${size} bytes`);
    expect(size).toBeLessThan(2_000_000);
    expect(execFileSync('readelf', ['-d', join(dir, 'healthprobe')], { encoding: 'utf-8' })).toContain('There is no dynamic section in this file.');
  }, 120_000);
});
