import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'fs';
import { isAbsolute, join, relative, sep } from 'path';
import { Context } from './command';
import { CliError, ExitCode, usageError } from './exit-codes';
import { ProjenrcEditor, UneditableProjenrc } from './projenrc-editor';
import { withRepoLock } from './repo-guard';
import { changes, describeChange, snapshot, synthesize } from './synthesis';
import { unifiedDiff } from './unified-diff';
import { keepAside, permissions, renameDurably, writeFileAtomic } from '../synthesis/fs-safe';
import { beginEdit, endEdit } from '../synthesis/projenrc-guard';
import { specialKind } from '../synthesis/repo-paths';

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
  return withRepoLock(ctx, ctx.command ?? 'a projen-go-service command', (lock) => edit(ctx, plan, dryRun, file, lock.env));
}

function edit(ctx: Context, plan: EditPlan, dryRun: boolean, link: string, lockEnv: { [name: string]: string }): number {
  // a link is edited through (its target, inside the repository), never replaced by a file
  const file = realProjenrc(ctx.cwd, link);
  const original = readFileSync(file);
  const mode = permissions(file);
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
    ctx.io.out(unifiedDiff(PROJENRC, { file }, { text: next }).trimEnd());
    for (const n of notes) ctx.io.out(n);
    ctx.io.out('Dry run: nothing was changed.');
    return ExitCode.OK;
  }
  const before = snapshot(ctx.cwd);
  // the original stays under a second name (a hard link: it can be put back even on a full disk), and
  // the new one is written beside, flushed and renamed over: .projenrc.ts is whole, old or new
  // (what it writes is recorded first: a kill before the end is undone by the next run)
  beginEdit(ctx.cwd, relative(ctx.cwd, file), next);
  const backup = keepAside(file);
  try {
    writeFileAtomic(file, next, mode);
  } catch (e) {
    rmSync(backup, { force: true });
    endEdit(ctx.cwd);
    throw e;
  }
  const result = synthesize(ctx.cwd, lockEnv);
  if (result.ok) {
    rmSync(backup, { force: true });
    endEdit(ctx.cwd);
    // a save of the user's while it ran: theirs stays, and the generated files may be of either version
    if (!readFileSync(file).equals(Buffer.from(next, 'utf-8'))) {
      const changed = changes(before, snapshot(ctx.cwd)).map(describeChange);
      throw new CliError(ExitCode.UNEXPECTED, [
        `${PROJENRC}: was saved by someone else while this command ran, so it may no longer hold this change, and the generated files may not be what it generates now (they are kept as npx projen left them${changed.length > 0 ? `: ${changed.join(', ')}` : ''}). Check that ${PROJENRC} says what you mean, then run npx projen.`,
      ].join('\n'));
    }
  } else {
    // put back only what we wrote: a save of the user's since then is theirs, and stays
    const ours = readFileSync(file, 'utf-8') === next;
    if (ours) {
      renameDurably(backup, file);
      if (changes(before, snapshot(ctx.cwd)).length > 0) {
        // (a synthesis changes all or nothing; this is for a project type of someone else's that does not)
        synthesize(ctx.cwd, lockEnv);
      }
    } else {
      rmSync(backup, { force: true });
    }
    endEdit(ctx.cwd);
    const said = ours
      ? `npx projen failed with this change, so ${PROJENRC} was restored as it was and nothing was changed.`
      : `npx projen failed with this change, and ${PROJENRC} was saved by someone else meanwhile: it is kept as they saved it (not restored), and the generated files are as that synthesis left them.`;
    throw new CliError(result.fileSystem ? ExitCode.UNEXPECTED : result.busy ? ExitCode.BUSY : ExitCode.SYNTHESIS, [
      `${said} What ${result.fileSystem || result.busy ? 'happened' : 'the model says'}:`,
      '',
      ...result.messages.map((m) => `  ${m.split('\n').join('\n  ')}`),
      '',
      result.fileSystem ? 'Fix what the message names, and run the command again.' : 'Change the command as the message says, and run it again.',
    ].join('\n'));
  }
  for (const c of changes(before, snapshot(ctx.cwd))) ctx.io.out(describeChange(c));
  for (const n of [...notes, ...result.messages]) ctx.io.out(n);
  return ExitCode.OK;
}

/**
 * The file a command edits for `.projenrc.ts`: itself, or the target of a link that stays inside the
 * repository. A link out of it, or something that is not a file (a FIFO is never opened), is refused.
 */
function realProjenrc(root: string, link: string): string {
  const st = lstatSync(link);
  let file = link;
  if (st.isSymbolicLink()) {
    file = realpathSync(link);
    const rel = relative(realpathSync(root), file);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new CliError(ExitCode.USAGE, `${PROJENRC}: is a symbolic link to ${readlinkSync(link)}, outside the repository, and the commands edit only files inside it. Edit that file by hand, or replace the link with a copy of it, then run the command again. Nothing was changed.`);
    }
  }
  const kind = specialKind(statSync(file));
  if (kind !== undefined) {
    throw new CliError(ExitCode.USAGE, `${PROJENRC}: is ${kind}, not a file${kind === 'a directory' ? '' : ' (it was not opened)'}. Put the project's .projenrc.ts there, then run the command again. Nothing was changed.`);
  }
  return file;
}
