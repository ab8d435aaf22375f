import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { addonKind } from '../../src/addons/registry';
import { parseArgs } from '../../src/cli/args';
import { addAddon, addService } from '../../src/cli/commands/add';

const addPostgres = addAddon(addonKind('postgres')!);
import { CliError } from '../../src/cli/exit-codes';
import { COMMANDS, main } from '../../src/cli/index';

/** Runs the CLI in an empty directory and captures what it prints. */
function cli(...argv: string[]): { code: number; out: string; err: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'cli-test-'));
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = main(argv, { cwd, io: { out: (t) => out.push(t), err: (t) => err.push(t) } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe('help', () => {
  test('the top level lists every command and the exit codes', () => {
    const { code, out } = cli('--help');
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(out).toContain(`  ${[...c.path, ...c.args].join(' ')}  `);
    expect(out).toMatch(/Exit codes:\n {2}0 {2}done[^\n]*\n {2}1 {2}check[^\n]*\n {2}2 {2}usage error[^\n]*\n {2}3 {2}\.projenrc\.ts has a shape[^\n]*\n {2}4 {2}npx projen failed[^\n]*\n {2}5 {2}something else failed/);
  });

  test.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))('%s --help', (_name, c) => {
    for (const argv of [[...c.path, '--help'], ['help', ...c.path], [...c.path, '-h']]) {
      const { code, out } = cli(...argv);
      expect(code).toBe(0);
      expect(out.split('\n')[0]).toBe(`Usage: projen-go-service ${[...c.path, ...c.args].join(' ')}${c.options.map((o) => ` [--${o.name}${o.kind === 'flag' ? '' : ` ${o.value}`}${o.kind === 'list' ? '...' : ''}]`).join('')}`);
      expect(out).toContain('Exit codes:');
    }
  });

  test('a group lists its commands', () => {
    const { code, out } = cli('remove', '--help');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('Usage: projen-go-service remove <service|postgres|redis> ...');
  });
});

describe('usage errors exit 2 and say what to do', () => {
  test.each([
    [['frob'], 'frob is not a command. Use one of these:'],
    [['add', 'frob'], 'add frob is not a command. Use one of these:'],
    [['add'], 'add needs a subcommand. Use one of these:'],
    [[], 'a command is missing. Use one of these:'],
    [['add', 'service'], 'add service: <name> is missing. Write projen-go-service add service <name> [--port <n>] [--runtime <runtime>] [--cgo] [--dry-run].'],
    [['add', 'service', 'a', 'b'], 'add service: unexpected "b". Write projen-go-service add service <name> [--port <n>] [--runtime <runtime>] [--cgo] [--dry-run].'],
    [['add', 'service', 'a', '--prot', '1'], 'add service: unknown option --prot. Use --port, --runtime, --cgo, --dry-run, --help.'],
    [['add', 'service', 'a', '-p'], 'add service: unknown option -p. Use --port, --runtime, --cgo, --dry-run, --help.'],
    [['add', 'service', 'a', '--port', 'abc'], 'add service: --port takes a whole number, and "abc" is not one. Write, for example, --port 8081.'],
    [['add', 'service', 'a', '--runtime', 'ubuntu'], 'add service: --runtime ubuntu is not a runtime this command knows. Use one of scratch, distroless, distroless-base, distroless-cc, alpine.'],
    [['add', 'service', 'a', '--cgo=yes'], 'add service: --cgo takes no value. Write --cgo alone.'],
    [['add', 'postgres', '--for'], 'add postgres: --for needs at least one value. Write --for <service>.'],
    [['set', 'portArgument', '-listen=:{port}'], 'set: unknown option -listen=:{port}. Use --dry-run, --help; if -listen=:{port} is the value of <value>, write it after --: projen-go-service set portArgument -- -listen=:{port}.'],
    [['set', 'portArgument', '--web.listen-address=:{port}'], 'set: unknown option --web.listen-address. Use --dry-run, --help; if --web.listen-address=:{port} is the value of <value>, write it after --: projen-go-service set portArgument -- --web.listen-address=:{port}.'],
    [['set', 'port', 'x'], 'set: port is a number, and "x" is not one. Write, for example, set port 9090.'],
    [['set', 'cgo', 'yes'], 'set: cgo is true or false, not "yes". Write set cgo true or set cgo false.'],
    [['set', 'runtimes', 'scratch'], 'set: runtimes is not an option set can write. Use one of name, modulePath, goVersion, goDirective, port, server,'],
    [['set', 'runtime', 'debian'], 'set: "debian" is not a value set knows for runtime. Use one of scratch, distroless, distroless-base, distroless-cc, alpine.'],
    [['set', 'healthCheck', 'tcp:80'], 'set: "tcp:80" is not a value set knows for healthCheck. Use one of command, http:<path>, tcp, none.'],
    [['add', 'service', 'a'], 'there is no .projenrc.ts in '],
    [['check'], 'check: there is no .projenrc.ts in '],
    [['adopt'], 'adopt: there is no go.mod in '],
  ])('%j', (argv, message) => {
    const { code, err } = cli(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});

describe('options', () => {
  test('a list takes the words after it, comma-separated values, or a repeated option', () => {
    expect(parseArgs(addPostgres, ['--for', 'a', 'b', '--name', 'db']).options).toEqual({ for: ['a', 'b'], name: 'db' });
    // a value that starts with a dash, after --
    expect(parseArgs(COMMANDS.find((c) => c.path.join(' ') === 'set')!, ['portArgument', '--', '-listen=:{port}']).args).toEqual(['portArgument', '-listen=:{port}']);
    expect(parseArgs(addPostgres, ['--for=a,b', '--for', 'c']).options).toEqual({ for: ['a', 'b', 'c'] });
  });

  test('values inline or after, numbers as numbers, flags as true; -- ends the options', () => {
    expect(parseArgs(addService, ['w', '--port=9000', '--runtime', 'alpine', '--cgo'])).toEqual({ args: ['w'], options: { port: 9000, runtime: 'alpine', cgo: true } });
    expect(parseArgs(addService, ['--', '--w'])).toEqual({ args: ['--w'], options: {} });
  });

  test('errors are CliErrors with exit code 2', () => {
    expect(() => parseArgs(addService, [])).toThrow(CliError);
  });
});
