import { usage } from './args';
import { Command } from './command';
import { EXIT_CODE_MEANINGS } from './exit-codes';

/** The help of one command. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: ${usage(command)}`, '', command.summary];
  for (const p of command.details) lines.push('', p);
  lines.push('', 'Options:');
  const options = [...command.options.map((o) => [`--${o.name}${o.kind === 'flag' ? '' : ` ${o.value ?? '<value>'}`}${o.kind === 'list' ? '...' : ''}`, o.help]), ['--help', 'Print this help.']];
  lines.push(...table(options));
  if (command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  lines.push('', exitCodes());
  return lines.join('\n');
}

/** The help of a group of commands (`add`, `remove`) or of all of them (no prefix). */
export function groupHelp(prefix: string[], commands: Command[]): string {
  const within = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const name = ['projen-go-service', ...prefix].join(' ');
  const lines = prefix.length === 0
    ? [
      'Usage: projen-go-service <command> [options]',
      '',
      'Everyday commands for a projen-go-service repository: each edits .projenrc.ts as code (ts-morph),',
      'keeping the rest of the file as it is, then runs npx projen and prints every file that changed.',
    ]
    : [`Usage: ${name} <${[...new Set(within.map((c) => c.path[prefix.length]))].join('|')}> ...`];
  lines.push('', 'Commands:', ...table(within.map((c) => [[...c.path, ...c.args].join(' '), c.summary])));
  lines.push('', `Run ${name === 'projen-go-service' ? name : 'projen-go-service'} <command> --help for the options of each.`);
  if (prefix.length === 0) {
    lines.push('Run in the repository root (where .projenrc.ts is, or, for adopt, go.mod).');
  }
  lines.push('', exitCodes());
  return lines.join('\n');
}

function exitCodes(): string {
  return ['Exit codes:', ...table(EXIT_CODE_MEANINGS.map(([code, meaning]) => [String(code), meaning]))].join('\n');
}

function table(rows: string[][]): string[] {
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}
