import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AnalyzedListen, AnalyzedMain } from '../src/go/analyzer';
import { portOf } from '../src/go/go-repo';
import { readGoSources } from '../src/go/go-sources';
import { hostOf, isLoopback, listenHost } from '../src/go/listen-host';
import { readSockets } from '../src/go/observe';

function listen(over: Partial<AnalyzedListen>): AnalyzedListen {
  return { call: 'net/http.ListenAndServe', source: 'main.go:9', expr: '', default: '', port: 8080, kind: 'flag', flag: null, env: null, config: null, ...over };
}

function main(flags: AnalyzedMain['flags'] = []): AnalyzedMain {
  return { package: 'example.com/x', dir: '.', server: { listens: true, how: '', calls: [] }, listen: [], flags, subcommands: [], defaultArgs: [], runtimePaths: [], writePaths: [], versionVariables: [], cgo: [], errors: [] };
}

describe('a loopback default address', () => {
  test.each([
    ['127.0.0.1:4180', '127.0.0.1', true],
    ['localhost:80', 'localhost', true],
    ['[::1]:9000', '::1', true],
    ['http://127.0.0.1:8080/', '127.0.0.1', true],
    [':8080', undefined, false],
    ['0.0.0.0:8080', '0.0.0.0', false],
    ['10.0.0.127:80', '10.0.0.127', false],
  ])('%s: host %s, loopback %s', (address, host, loopback) => {
    expect(hostOf(address)).toBe(host);
    expect(isLoopback(address)).toBe(loopback);
  });

  test('the value the image sets replaces the whole address: nothing more to set', () => {
    const l = listen({ default: '127.0.0.1:4180', port: 4180 });
    expect(listenHost(main(), l, ':{port}')).toEqual({ environment: {}, args: [], fact: "its default address is loopback only (127.0.0.1:4180, net/http.ListenAndServe at main.go:9); the image's :4180 listens on every interface" });
  });

  test('a variable of its own for the host (in the address expression) is set to every interface', () => {
    const l = listen({ default: '127.0.0.1:8080', expr: 'one of(flag(--address), env(APP_ADDRESS, default "127.0.0.1"), "127.0.0.1") + ":" + flag(--port)' });
    expect(listenHost(main(), l, '{port}')?.environment).toEqual({ APP_ADDRESS: '0.0.0.0' });
    // os.Getenv with a fallback of its own: one of(env(X), "127.0.0.1")
    const g = listen({ default: '127.0.0.1:7430', expr: 'one of(env(JOT_HOST), "127.0.0.1") + ":" + one of(env(JOT_PORT), "7430")' });
    expect(listenHost(main(), g, '{port}')?.environment).toEqual({ JOT_HOST: '0.0.0.0' });
    // a variable whose fallback is every interface is not the host to set
    const h = listen({ default: '127.0.0.1:7430', expr: 'one of(env(OTHER), "0.0.0.0") + one of(env(JOT_HOST), "localhost") + ":7430"' });
    expect(listenHost(main(), h, '{port}')?.environment).toEqual({ JOT_HOST: '0.0.0.0' });
  });

  test('a flag of its own: its variable, else the flag; ::1 becomes ::', () => {
    const l = listen({ default: '127.0.0.1:8080', expr: 'flag(-host) + ":" + flag(-port)' });
    expect(listenHost(main([{ name: 'host', syntax: '-host', default: '127.0.0.1', env: [] }]), l, '{port}')).toMatchObject({ environment: {}, args: ['-host=0.0.0.0'] });
    expect(listenHost(main([{ name: 'host', syntax: '-host', default: 'localhost', env: ['APP_HOST'] }]), l, '{port}')).toMatchObject({ environment: { APP_HOST: '0.0.0.0' }, args: [] });
    // -hostname is another flag
    expect(listenHost(main([{ name: 'host', syntax: '-host', default: '127.0.0.1', env: [] }]), listen({ default: '[::1]:80', expr: 'flag(-hostname)' }), undefined)?.fact).toMatch(/^WARNING: it listens on ::1 only/);
    expect(listenHost(main([{ name: 'bind', syntax: '-bind', default: '::1', env: [] }]), listen({ default: '[::1]:80', expr: 'flag(-bind)' }), undefined)?.args).toEqual(['-bind=::']);
  });

  test('hard-coded: said, as a warning; not loopback: nothing', () => {
    expect(listenHost(main(), listen({ default: '127.0.0.1:8585', port: 8585, kind: 'literal' }), undefined)?.fact)
      .toBe('WARNING: it listens on 127.0.0.1 only (127.0.0.1:8585, net/http.ListenAndServe at main.go:9), and its code names no flag or variable for the address: in a container nothing outside it can reach it (the health probe, inside, still passes). Make it listen on every interface (":8585")');
    expect(listenHost(main(), listen({ default: ':8080' }), '{port}')).toBeUndefined();
  });

  test('a primary listen with no known port (a socket path) gives way to the documented one; its loopback host is set to every interface', () => {
    // the shape of a server with --socket and --address/--port (viper binds FB-like variables)
    const socket = listen({
      call: '(*net/http.Server).Serve',
      expr: 'one of(flag(--socket), env(APP_SOCKET, default ""), "")',
      port: 0,
      flag: { name: 'socket', syntax: '--socket=:{port}', default: '', source: 'cmd/root.go:31', library: 'pflag' },
    });
    const tcp = listen({
      call: 'net.Listen',
      source: 'cmd/root.go:234',
      default: '127.0.0.1:8080',
      port: 8080,
      expr: 'one of(flag(--address), env(APP_ADDRESS, default "127.0.0.1"), "127.0.0.1") + ":" + one of(flag(--port), env(APP_PORT, default "8080"), "8080")',
      flag: { name: 'port', syntax: '--port={port}', default: '8080', source: 'cmd/root.go:31', library: 'pflag' },
      env: { name: 'APP_PORT', syntax: 'APP_PORT={port}', default: '8080', source: '', library: 'os' },
    });
    const facts: string[] = [];
    expect(portOf({ ...main(), listen: [tcp, socket], primaryListen: 1 }, facts)).toEqual({ port: 8080, portVariable: 'APP_PORT', listenEnvironment: { APP_ADDRESS: '0.0.0.0' } });
    expect(facts[0]).toBe('port 8080: net.Listen at cmd/root.go:234, set by flag --port (pflag, cmd/root.go:31), variable APP_PORT ()');
  });

  test('observed: the ports of listening sockets, and those only a loopback address has', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65532        0 1 1',
      '   1: 00000000:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65532        0 2 1',
      '   2: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65532        0 3 1',
      '   3: 0100007F:1F91 0100007F:8000 01 00000000:00000000 00:00000000 00000000 65532        0 4 1',
      '   0: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65532 0 5 1',
    ].join('\n');
    // 8080 on 127.0.0.1, 9090 on every interface and on 127.0.0.1, 8081 a connection, 8082 on ::1
    expect(readSockets(tcp)).toEqual({ ports: [8080, 8082, 9090], loopbackPorts: [8080, 8082] });
  });
});

describe('go.work.sum', () => {
  test('the synthesis\'s go list leaves no go.work.sum behind, and one that was there as it was', () => {
    const ws = mkdtempSync(join(tmpdir(), 'work-sum-'));
    const dir = join(ws, 'svc');
    mkdirSync(dir);
    writeFileSync(join(ws, 'go.work'), 'go 1.25\n\nuse ./svc\n');
    writeFileSync(join(dir, 'go.mod'), 'module example.com/svc\n\ngo 1.25\n');
    // a go that writes go.work.sum as a workspace build does, and answers as go list
    const fakeGo = join(ws, 'go');
    writeFileSync(fakeGo, `#!/bin/sh\necho "example.com/dep v1.0.0 h1:x=" >> ${join(ws, 'go.work.sum')}\n[ "$1" = env ] && echo ${join(ws, 'go.work')}\nexit 0\n`, { mode: 0o755 });
    readGoSources(dir, [{ name: 'svc', mainPackage: './cmd/svc', buildTags: [] }], { go: fakeGo });
    expect(existsSync(join(ws, 'go.work.sum'))).toBe(false);
    writeFileSync(join(ws, 'go.work.sum'), 'theirs\n');
    readGoSources(dir, [{ name: 'svc', mainPackage: './cmd/svc', buildTags: [] }], { go: fakeGo });
    expect(readFileSync(join(ws, 'go.work.sum'), 'utf-8')).toBe('theirs\n');
  });
});
