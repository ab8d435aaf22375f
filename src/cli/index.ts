import { readFileSync } from 'fs';
import { join } from 'path';
import { parseArgs } from './args';
import { Command, Context } from './command';
import { addAddon, addService } from './commands/add';
import { adopt } from './commands/adopt';
import { check } from './commands/check';
import { removeAddon, removeService } from './commands/remove';
import { set } from './commands/set';
import { CliError, ExitCode } from './exit-codes';
import { commandHelp, groupHelp } from './help';
import '../addons';
import { addonKinds } from '../addons/registry';
import { FileSystemError } from '../synthesis/fs-safe';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  addService, ...addonKinds().map(addAddon), removeService, ...addonKinds().map(removeAddon), set, adopt, check,
];

/**
 * `projen-go-service <command> ...`: finds the command named by the first words, parses the rest,
 * runs it, and turns what it throws into a message and an exit code (see exit-codes.ts).
 */
export function main(argv: string[], ctx: Context = { cwd: process.cwd(), io: consoleIo() }): number {
  try {
    return dispatch(argv, ctx);
  } catch (e) {
    if (e instanceof CliError) {
      ctx.io.err(e.message);
      return e.exitCode;
    }
    if (FileSystemError.explains(e)) {
      ctx.io.err(FileSystemError.of(ctx.cwd, e, 'The command stopped there').message);
      return ExitCode.UNEXPECTED;
    }
    // not a CliError: nothing the command foresaw, so its stack goes with it
    ctx.io.err(`projen-go-service ${argv.join(' ')} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\nIf the message is not about your files or a command it ran, please report it.`);
    return ExitCode.UNEXPECTED;
  }
}

function dispatch(argv: string[], ctx: Context): number {
  const help = argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
  const words = argv.filter((w) => w !== '--help' && w !== '-h' && !(w === 'help' && argv[0] === 'help'));
  if (words[0] === '--version') {
    ctx.io.out(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8')).version);
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.path.every((w, i) => words[i] === w));
  if (command && help) {
    ctx.io.out(commandHelp(command));
    return ExitCode.OK;
  }
  if (command) {
    return command.run({ ...ctx, command: `projen-go-service ${words.join(' ')}` }, parseArgs(command, words.slice(command.path.length)));
  }
  // a group (`add`, `remove`) or nothing: its help; an unknown word: a usage error with the help
  const group = COMMANDS.some((c) => c.path.length > 1 && c.path[0] === words[0]) ? [words[0]] : [];
  const unknown = words.length > group.length;
  if (help && !unknown) {
    ctx.io.out(groupHelp(group, COMMANDS));
    return ExitCode.OK;
  }
  const what = unknown
    ? `${words.slice(0, group.length + 1).join(' ')} is not a command`
    : group.length > 0 ? `${group[0]} needs a subcommand` : 'a command is missing';
  throw new CliError(ExitCode.USAGE, `${what}. Use one of these:\n\n${groupHelp(group, COMMANDS)}`);
}

function consoleIo(): Context['io'] {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}
