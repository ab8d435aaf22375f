import { Command, DRY_RUN } from '../command';
import { runEdit } from '../edit-session';
import { usageError } from '../exit-codes';
import { PLAIN_OPTIONS } from '../plain-options';
import { CodeStyle } from '../projenrc-editor';
import { HandWrittenCode, RUNTIMES } from '../snippets';

/** `set healthCheck <value>`: the kinds of HealthCheck, as one word (http takes the path). */
const HEALTH_CHECKS: { readonly [word: string]: (s: CodeStyle, arg?: string) => string } = {
  command: (s) => `${s.ref('HealthCheck')}.command([${s.str('healthcheck')}])`,
  http: (s, path) => `${s.ref('HealthCheck')}.http({ path: ${s.str(path ?? '/healthz')} })`,
  tcp: (s) => `${s.ref('HealthCheck')}.tcp()`,
  none: (s) => `${s.ref('HealthCheck')}.none()`,
};

/** Options that are code in .projenrc.ts, written from a word. */
const CODE_OPTIONS: { readonly [option: string]: { readonly words: string; code(raw: string): ((s: CodeStyle) => string) | undefined } } = {
  runtime: {
    words: Object.keys(RUNTIMES).join(', '),
    code: (raw) => RUNTIMES[raw],
  },
  healthCheck: {
    words: 'command, http:<path>, tcp, none',
    code: (raw) => {
      const [word, ...rest] = raw.split(':');
      const make = HEALTH_CHECKS[word];
      if (!make || (word !== 'http' && rest.length > 0)) return undefined;
      const path = rest.length ? rest.join(':') : undefined;
      return (s) => make(s, path);
    },
  },
};

/** `set <option> <value>` */
export const set: Command = {
  path: ['set'],
  args: ['<option>', '<value>'],
  summary: 'Set an option of the project (port, goVersion, runtime, healthCheck, ...) in .projenrc.ts, then npx projen.',
  details: [
    `Plain options: ${Object.entries(PLAIN_OPTIONS).map(([o, t]) => `${o} (${t})`).join(', ')}.`,
    `And two written as code: ${Object.entries(CODE_OPTIONS).map(([o, c]) => `${o} (${c.words})`).join('; ')}.`,
    'The value is checked for its type here and by the model at synthesis; when the model refuses it,',
    '.projenrc.ts is put back as it was and its message is printed. The other options that are code (certs,',
    'tz, lists, maps) are written in .projenrc.ts by hand.',
  ],
  options: [DRY_RUN],
  examples: [
    'npx projen-go-service set port 9090',
    'npx projen-go-service set goVersion 1.26',
    'npx projen-go-service set runtime distroless-base',
    'npx projen-go-service set healthCheck http:/readyz',
  ],
  run(ctx, { args, options }) {
    const [option, raw] = args;
    const type = PLAIN_OPTIONS[option];
    const codeOption = CODE_OPTIONS[option];
    let code: (s: CodeStyle) => string;
    if (codeOption) {
      const make = codeOption.code(raw);
      if (!make) {
        throw usageError(`set: ${JSON.stringify(raw)} is not a value set knows for ${option}. Use one of ${codeOption.words}`);
      }
      code = make;
    } else if (!type) {
      throw usageError(`set: ${option} is not an option set can write. Use one of ${[...Object.keys(PLAIN_OPTIONS), ...Object.keys(CODE_OPTIONS)].join(', ')} (write the others in .projenrc.ts)`);
    } else {
      if (type === 'number' && !/^-?\d+(\.\d+)?$/.test(raw)) {
        throw usageError(`set: ${option} is a number, and ${JSON.stringify(raw)} is not one. Write, for example, set ${option} 9090`);
      }
      if (type === 'boolean' && raw !== 'true' && raw !== 'false') {
        throw usageError(`set: ${option} is true or false, not ${JSON.stringify(raw)}. Write set ${option} true or set ${option} false`);
      }
      code = (s) => (type === 'string' ? s.str(raw) : type === 'number' ? String(Number(raw)) : raw);
    }
    return runEdit(ctx, {
      apply: (editor) => {
        editor.setOption(option, code(editor));
        return [];
      },
      byHand: (editor) => [`${option}: ${code(new HandWrittenCode(editor))},  // in the options of new GoServiceProject({...})`],
    }, options['dry-run'] === true);
  },
};
