import { Command, Parsed } from './command';
import { usageError } from './exit-codes';

/**
 * Parses the words after a command's own (`worker --port 8081`) against its options: `--name value`,
 * `--name=value`, `--flag`, and list options that take the words after them up to the next option
 * (`--for hello worker`), comma-separated values or a repeated option.
 */
export function parseArgs(command: Command, words: string[]): Parsed {
  const args: string[] = [];
  const options: { [name: string]: string | number | boolean | string[] | undefined } = {};
  const name = command.path.join(' ');
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') {
      // everything after -- is an argument, even when it starts with a dash
      args.push(...words.slice(i + 1));
      break;
    }
    if (!word.startsWith('--')) {
      if (word.startsWith('-') && word !== '-') {
        throw usageError(`${name}: unknown option ${word}. ${knownOptions(command)}${valueHint(command, args, words, i)}`);
      }
      args.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const key = word.slice(2, eq < 0 ? undefined : eq);
    const spec = command.options.find((o) => o.name === key);
    if (!spec) {
      throw usageError(`${name}: unknown option --${key}. ${knownOptions(command)}${valueHint(command, args, words, i)}`);
    }
    const inline = eq < 0 ? undefined : word.slice(eq + 1);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw usageError(`${name}: --${key} takes no value. Write --${key} alone`);
      options[key] = true;
      continue;
    }
    if (spec.kind === 'list') {
      const values = inline !== undefined ? [inline] : [];
      while (inline === undefined && i + 1 < words.length && !words[i + 1].startsWith('-')) values.push(words[++i]);
      const list = values.flatMap((v) => v.split(',')).filter((v) => v !== '');
      if (list.length === 0) throw usageError(`${name}: --${key} needs at least one value. Write --${key} ${spec.value ?? '<value>'}`);
      options[key] = [...((options[key] as string[] | undefined) ?? []), ...list];
      continue;
    }
    const value = inline ?? words[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw usageError(`${name}: --${key} needs a value. Write --${key} ${spec.value ?? '<value>'}`);
    }
    if (spec.kind === 'number') {
      if (!/^\d+$/.test(value)) throw usageError(`${name}: --${key} takes a whole number, and ${JSON.stringify(value)} is not one. Write, for example, --${key} 8081`);
      options[key] = Number(value);
    } else {
      options[key] = value;
    }
  }
  const required = command.args.filter((a) => !a.startsWith('[')).length;
  if (args.length < required) {
    throw usageError(`${name}: ${command.args[args.length]} is missing. Write ${usage(command)}`);
  }
  if (args.length > command.args.length) {
    throw usageError(`${name}: unexpected ${JSON.stringify(args[command.args.length])}. Write ${usage(command)}`);
  }
  return { args, options };
}

/** `projen-go-service add service <name> [--port <n>] ...` */
export function usage(command: Command): string {
  const options = command.options.map((o) => `[--${o.name}${o.kind === 'flag' ? '' : ` ${o.value ?? '<value>'}`}${o.kind === 'list' ? '...' : ''}]`);
  return ['projen-go-service', ...command.path, ...command.args, ...options].join(' ');
}

/** When a word that looks like an option may be the value of an argument still missing: how to write it. */
function valueHint(command: Command, args: string[], words: string[], i: number): string {
  if (args.length >= command.args.length) return '';
  const rest = words.slice(i).map((w) => (/^[\w@%+=:,./{}-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`));
  return `; if ${words[i]} is the value of ${command.args[args.length]}, write it after --: projen-go-service ${[...command.path, ...args, '--', ...rest].join(' ')}`;
}

function knownOptions(command: Command): string {
  const names = [...command.options.map((o) => `--${o.name}`), '--help'];
  return `Use ${names.join(', ')}`;
}
