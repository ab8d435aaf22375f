import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { AddonKind } from '../../addons/registry';
import { SAMPLE_DB_DRIVER } from '../../model/migrations';
import { Command, DRY_RUN } from '../command';
import { runEdit } from '../edit-session';
import { usageError } from '../exit-codes';
import { ProjenrcEditor } from '../projenrc-editor';
import { addonStatement, AddonSpec, HandWrittenCode, RUNTIMES, serviceStatement, ServiceSpec } from '../snippets';

/** `add service <name> [--port N] [--runtime R] [--cgo]` */
export const addService: Command = {
  path: ['add', 'service'],
  args: ['<name>'],
  summary: 'Add a Go service: new GoService(project, \'<name>\', {...}) in .projenrc.ts, then npx projen.',
  details: [
    'The service gets its own cmd/<name>/main.go (a sample, written once, when the directory does not exist),',
    'a Dockerfile target, a compose service and Makefile targets. Without --port it listens on the next',
    'port after the highest one in .projenrc.ts (8080 -> 8081).',
    `Runtimes: ${Object.keys(RUNTIMES).join(', ')} (distroless is the static variant; cgo needs distroless-base or distroless-cc).`,
  ],
  options: [
    { name: 'port', kind: 'number', value: '<n>', help: 'The port the service listens on.' },
    { name: 'runtime', kind: 'string', value: '<runtime>', help: `The base of its image: ${Object.keys(RUNTIMES).join('|')}.` },
    { name: 'cgo', kind: 'flag', help: 'Build with cgo (needs --runtime distroless-base or distroless-cc).' },
    DRY_RUN,
  ],
  examples: [
    'npx projen-go-service add service worker',
    'npx projen-go-service add service pdf --port 9091 --runtime distroless-cc --cgo',
  ],
  run(ctx, { args, options }) {
    const runtime = options.runtime as string | undefined;
    if (runtime !== undefined && !(runtime in RUNTIMES)) {
      throw usageError(`add service: --runtime ${runtime} is not a runtime this command knows. Use one of ${Object.keys(RUNTIMES).join(', ')}`);
    }
    const spec = (editor: ProjenrcEditor): ServiceSpec => ({
      name: args[0],
      port: (options.port as number | undefined) ?? Math.max(...editor.ports()) + 1,
      runtime,
      cgo: options.cgo === true,
    });
    return runEdit(ctx, {
      apply: (editor) => {
        const name = args[0];
        if (editor.projectName === name || editor.services().some((s) => s.name === name)) {
          throw usageError(`add service: a service named ${name} is already in .projenrc.ts. Choose another name`);
        }
        editor.addServiceStatement(serviceStatement(editor, spec(editor)));
        return [];
      },
      byHand: (editor) => HandWrittenCode.statement(editor, (s) => serviceStatement(s, spec(editor))),
    }, options['dry-run'] === true);
  },
};

/** `add <add-on> [--for <service>...] [--name <name>]`, for each registered add-on kind */
export function addAddon({ kind, className, summary: what, urlVariable: variable }: AddonKind): Command {
  return {
    path: ['add', kind],
    args: [],
    summary: `Add ${what}: new ${className}(project, {...}) in .projenrc.ts, then npx projen.`,
    details: [
      'A compose service with a health check, a volume and its password in a compose secret (make secrets creates it).',
      `The services it is for get ${variable}_FILE and start once it is healthy; without --for, every service.`,
    ],
    options: [
      { name: 'for', kind: 'list', value: '<service>', help: 'The services that use it (default: every service).' },
      { name: 'name', kind: 'string', value: '<name>', help: `Its compose service name (default: ${kind}); for a second one.` },
      DRY_RUN,
    ],
    examples: [`npx projen-go-service add ${kind}`, `npx projen-go-service add ${kind} --for hello worker`],
    run(ctx, { options }) {
      const spec: AddonSpec = { kind, name: (options.name as string | undefined) ?? kind, services: options.for as string[] | undefined };
      return runEdit(ctx, {
        apply: (editor) => {
          if (editor.addons().some((a) => a.name === spec.name)) {
            throw usageError(`add ${kind}: an add-on named ${spec.name} is already in .projenrc.ts. Give this one its own name with --name ${spec.name}-2`);
          }
          editor.addAddonStatement(addonStatement(editor, spec));
          return kind === 'postgres' ? sampleDriverNote(ctx.cwd) : [];
        },
        byHand: (editor) => HandWrittenCode.statement(editor, (s) => addonStatement(s, spec)),
      }, options['dry-run'] === true);
    },
  };
}


/**
 * `add postgres`: the sample handler that reads the first migration's table is written only where
 * go.mod requires its driver. The command never changes go.mod itself (a `go get` is outside the
 * synthesis' journal: a kill or a failed synthesis would leave it changed); it says how.
 */
function sampleDriverNote(dir: string): string[] {
  const goMod = join(dir, 'go.mod');
  if (!existsSync(goMod) || readFileSync(goMod, 'utf-8').includes(`${SAMPLE_DB_DRIVER.module} `)) return [];
  // (the package the handler imports: go get adds the sums of what it imports in turn)
  const pkg = `${SAMPLE_DB_DRIVER.package}@${SAMPLE_DB_DRIVER.version}`;
  return [`The sample's GET /greetings (cmd/<service>/greetings.go), which reads the first migration's table, is written once go.mod requires its driver: go get ${pkg}, then npx projen.`];
}
