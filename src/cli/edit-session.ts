import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Context } from './command';
import { CliError, ExitCode, usageError } from './exit-codes';
import { ProjenrcEditor, UneditableProjenrc } from './projenrc-editor';
import { changes, describeChange, snapshot, synthesize } from './synthesis';
import { unifiedDiff } from './unified-diff';

/** The file every editing command edits. */
export const PROJENRC = '.projenrc.ts';

/** One change of `.projenrc.ts`, as a command plans it. */
export interface EditPlan {
  /** Edits the file (through the editor); returns notes to print after the changed files. */
  apply(editor: ProjenrcEditor): string[];
  /** The lines a user adds by hand when the file cannot be edited safely (given the unedited file). */
  byHand(editor: ProjenrcEditor): string[];
}

/**
 * The flow every editing command shares: read `.projenrc.ts`, edit it as code, then either print
 * the diff (`--dry-run`) or write it, run `npx projen` and print each file that changed. When the
 * file cannot be edited safely, print what to add by hand and change nothing; when the synthesis
 * fails, put `.projenrc.ts` back byte for byte.
 */
export function runEdit(ctx: Context, plan: EditPlan, dryRun: boolean): number {
  const file = join(ctx.cwd, PROJENRC);
  if (!existsSync(file)) {
    throw usageError(`there is no ${PROJENRC} in ${ctx.cwd}. Run the command at the root of a repository made by projen new --from projen-go-service go-service, or make one of an existing Go repository with npx projen-go-service adopt`);
  }
  const original = readFileSync(file);
  const text = original.toString('utf-8');
  const editor = ProjenrcEditor.parse(text);
  let notes: string[];
  try {
    editor.assertEditable();
    notes = plan.apply(editor);
  } catch (e) {
    if (!(e instanceof UneditableProjenrc)) throw e;
    const lines = plan.byHand(ProjenrcEditor.parse(text));
    throw new CliError(ExitCode.UNEDITABLE, [
      `${PROJENRC} cannot be edited safely: ${e.message}. Make the change by hand, then run npx projen:`,
      '',
      ...lines.map((l) => `  ${l}`),
      '',
      'Nothing was changed.',
    ].join('\n'));
  }
  const next = editor.text;
  if (next === text) {
    ctx.io.out(`${PROJENRC} already says so: nothing to change.`);
    return ExitCode.OK;
  }
  if (dryRun) {
    ctx.io.out(unifiedDiff(PROJENRC, { text }, { text: next }).trimEnd());
    for (const n of notes) ctx.io.out(n);
    ctx.io.out('Dry run: nothing was changed.');
    return ExitCode.OK;
  }
  const before = snapshot(ctx.cwd);
  writeFileSync(file, next);
  const result = synthesize(ctx.cwd);
  if (!result.ok) {
    writeFileSync(file, original);
    if (changes(before, snapshot(ctx.cwd)).length > 0) {
      // the synthesis stopped half way: the restored .projenrc.ts writes the files back
      synthesize(ctx.cwd);
    }
    throw new CliError(ExitCode.SYNTHESIS, [
      `npx projen failed with this change, so ${PROJENRC} was restored as it was and nothing was changed. What the model says:`,
      '',
      ...result.messages.map((m) => `  ${m.split('\n').join('\n  ')}`),
      '',
      'Change the command as the message says, and run it again.',
    ].join('\n'));
  }
  for (const c of changes(before, snapshot(ctx.cwd))) ctx.io.out(describeChange(c));
  for (const n of [...notes, ...result.messages]) ctx.io.out(n);
  return ExitCode.OK;
}
