import { existsSync } from 'fs';
import { join } from 'path';
import { Command, Context } from '../command';
import { PROJENRC } from '../edit-session';
import { CliError, ExitCode, usageError } from '../exit-codes';
import { withRepoLock } from '../repo-guard';
import { Change, changes, snapshot, synthesizeCopy } from '../synthesis';
import { unifiedDiff } from '../unified-diff';

/** What a difference between the working tree and the synthesis means there. */
const DRIFT: { readonly [kind in Change['kind']]: string } = {
  added: 'missing:',
  changed: 'differs:',
  removed: 'stale:  ',
};

/** `check` */
export const check: Command = {
  path: ['check'],
  args: [],
  summary: 'For CI: fail (exit 1, with a unified diff) when a generated file was edited by hand or is stale.',
  details: [
    'Synthesizes .projenrc.ts into a copy of the repository (inside it, under .projen/; node_modules linked) and',
    'compares every file with the working tree. A difference means a generated file was edited by hand, or',
    '.projenrc.ts changed and npx projen was not run since. Nothing in the working tree is touched.',
  ],
  options: [],
  examples: ['npx projen-go-service check'],
  run(ctx) {
    if (!existsSync(join(ctx.cwd, PROJENRC))) {
      throw usageError(`check: there is no ${PROJENRC} in ${ctx.cwd}. Run it at the root of a projen-go-service repository`);
    }
    return withRepoLock(ctx, ctx.command ?? 'projen-go-service check', () => compare(ctx));
  },
};

/** Synthesizes a copy and compares it with the working tree. */
function compare(ctx: Context): number {
  {
    const { remove, copy, result } = synthesizeCopy(ctx.cwd);
    try {
      if (!result.ok) {
        throw new CliError(ExitCode.SYNTHESIS, [`check: npx projen fails on ${PROJENRC}, so there is nothing to compare with. What the model says:`, '', ...result.messages.map((m) => `  ${m}`), '', `Fix ${PROJENRC} and run npx projen.`].join('\n'));
      }
      const drift = changes(snapshot(ctx.cwd), snapshot(copy));
      if (drift.length === 0) {
        ctx.io.out(`In sync: every generated file is what ${PROJENRC} generates.`);
        return ExitCode.OK;
      }
      for (const { path } of drift) {
        const side = (root: string) => (existsSync(join(root, path)) ? { file: join(root, path) } : undefined);
        ctx.io.out(unifiedDiff(path, side(ctx.cwd), side(copy)).trimEnd());
      }
      ctx.io.err([
        `${drift.length === 1 ? `${drift[0].path} is` : `${drift.length} files are`} not what ${PROJENRC} generates (the diff above goes from the working tree to the synthesis):`,
        ...drift.map((c) => `  ${DRIFT[c.kind]} ${c.path}`),
        `A generated file was edited by hand, or ${PROJENRC} changed without npx projen. Change ${PROJENRC}, never a generated file; run npx projen and commit the result.`,
      ].join('\n'));
      return ExitCode.DRIFT;
    } finally {
      remove();
    }
  }
}
