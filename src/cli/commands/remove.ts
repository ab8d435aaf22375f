import { AddonKind } from '../../addons/registry';
import { Command, DRY_RUN } from '../command';
import { runEdit } from '../edit-session';
import { usageError } from '../exit-codes';
import { UneditableProjenrc } from '../projenrc-editor';

/** `remove service <name>` */
export const removeService: Command = {
  path: ['remove', 'service'],
  args: ['<name>'],
  summary: 'Remove a Go service from .projenrc.ts (its code in cmd/<name> stays), then npx projen.',
  details: [
    'Its Dockerfile targets, compose service and Makefile targets go; its code is yours and stays.',
    'Add-ons that list it in their services lose it from the list. The default service, named after the',
    'project, cannot be removed.',
  ],
  options: [DRY_RUN],
  examples: ['npx projen-go-service remove service worker'],
  run(ctx, { args, options }) {
    const name = args[0];
    return runEdit(ctx, {
      apply: (editor) => {
        if (editor.projectName === name) {
          throw usageError(`remove service: ${name} is the default service: it is named after the project and configured by the options of new GoServiceProject({...}), so it cannot be removed. Remove another service, or rename the project with npx projen-go-service set name <name>`);
        }
        const entry = findOne(editor.services(), name, 'service', (n) => `new GoService(${editor.project}, '${n}', ...)`);
        if (!entry.removable) {
          throw new UneditableProjenrc(`the service ${name} is not made by a top-level statement new GoService(${editor.project}, '${name}', {...}) alone`);
        }
        const notes = editor.removeServiceFromAddons(name).map((a) => `${name} was also removed from the services of ${a}`);
        editor.removeService(name);
        return notes;
      },
      byHand: (editor) => [`// delete the new GoService(${editor.projectVariableGuess}, '${name}', ...) that makes the service, and ${name} from any add-on's services`],
    }, options['dry-run'] === true);
  },
};

/** `remove <add-on> [<name>]`, for each registered add-on kind */
export function removeAddon({ kind, className }: AddonKind): Command {
  return {
    path: ['remove', kind],
    args: ['[<name>]'],
    summary: `Remove the ${className} add-on named <name> (default: ${kind}) from .projenrc.ts, then npx projen.`,
    details: ['Its compose service, volume and secrets go from docker-compose.yml and the Makefile; its data volume stays in Docker.'],
    options: [DRY_RUN],
    examples: [`npx projen-go-service remove ${kind}`],
    run(ctx, { args, options }) {
      const name = args[0] ?? kind;
      return runEdit(ctx, {
        apply: (editor) => {
          const entry = findOne(editor.addons().filter((a) => a.kind === kind), name, `${kind} add-on`, () => `new ${className}(...)`);
          if (!entry.removable) {
            throw new UneditableProjenrc(`the ${kind} add-on ${name} is not made by a top-level statement new ${className}(${editor.project}, {...}) alone`);
          }
          editor.removeAddon(kind, name);
          return [];
        },
        byHand: (editor) => [`// delete the new ${className}(${editor.projectVariableGuess}, ...) named ${name}`],
      }, options['dry-run'] === true);
    },
  };
}


/**
 * The entry named `name`: a usage error when there is none, a refusal when some entry's name is not
 * a literal (it could be this one).
 */
function findOne<T extends { readonly name?: string }>(entries: T[], name: string, what: string, shape: (n: string) => string): T {
  const found = entries.find((e) => e.name === name);
  if (found) return found;
  if (entries.some((e) => e.name === undefined)) {
    throw new UneditableProjenrc(`a ${shape('?')} in it has a name that is not a string literal, so the command cannot tell whether it is ${name}`);
  }
  const names = entries.map((e) => e.name);
  throw usageError(`remove ${what.split(' ')[0]}: there is no ${what} named ${name} in .projenrc.ts (no ${shape(name)}). ${names.length > 0 ? `Use one of ${names.join(', ')}` : 'There is none to remove'}`);
}
