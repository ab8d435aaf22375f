import { Command, DRY_RUN } from '../command';
import { runEdit } from '../edit-session';
import { usageError } from '../exit-codes';
import { PLAIN_OPTIONS } from '../plain-options';
import { CodeStyle } from '../projenrc-editor';
import { HandWrittenCode } from '../snippets';

/** `set <option> <value>` */
export const set: Command = {
  path: ['set'],
  args: ['<option>', '<value>'],
  summary: 'Set a plain option of the project (port, goVersion, modulePath, ...) in .projenrc.ts, then npx projen.',
  details: [
    `Options: ${Object.entries(PLAIN_OPTIONS).map(([o, t]) => `${o} (${t})`).join(', ')}.`,
    'The value is checked for its type here and by the model at synthesis; when the model refuses it,',
    '.projenrc.ts is put back as it was and its message is printed. Options that are code (runtime, certs, tz,',
    'lists, maps) are written in .projenrc.ts by hand.',
  ],
  options: [DRY_RUN],
  examples: ['npx projen-go-service set port 9090', 'npx projen-go-service set goVersion 1.26', 'npx projen-go-service set cgo true'],
  run(ctx, { args, options }) {
    const [option, raw] = args;
    const type = PLAIN_OPTIONS[option];
    if (!type) {
      throw usageError(`set: ${option} is not a plain option of GoServiceProject. Use one of ${Object.keys(PLAIN_OPTIONS).join(', ')} (write the others in .projenrc.ts)`);
    }
    if (type === 'number' && !/^-?\d+(\.\d+)?$/.test(raw)) {
      throw usageError(`set: ${option} is a number, and ${JSON.stringify(raw)} is not one. Write, for example, set ${option} 9090`);
    }
    if (type === 'boolean' && raw !== 'true' && raw !== 'false') {
      throw usageError(`set: ${option} is true or false, not ${JSON.stringify(raw)}. Write set ${option} true or set ${option} false`);
    }
    const code = (s: CodeStyle): string => (type === 'string' ? s.str(raw) : type === 'number' ? String(Number(raw)) : raw);
    return runEdit(ctx, {
      apply: (editor) => {
        editor.setOption(option, code(editor));
        return [];
      },
      byHand: (editor) => [`${option}: ${code(new HandWrittenCode(editor))},  // in the options of new GoServiceProject({...})`],
    }, options['dry-run'] === true);
  },
};
