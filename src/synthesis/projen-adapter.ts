import { FileBase, InitProject, IResolver, Project } from 'projen';
import { resolve } from 'projen/lib/_resolve';
import { isTruthy } from 'projen/lib/util';

/**
 * Every reach into projen's internals, in one place (projen 0.103). Our synthesis replaces
 * `Project.synth()` (see ./index.ts) and needs what projen keeps to itself: the `projen new` in
 * progress, a file's rendered content, and the state `FileBase.synthesize()` records for the "changed
 * files" report. test/synthesis/projen-adapter.test.ts pins each behaviour, so a projen upgrade that
 * changes one fails there and nowhere else.
 */

/** The `projen new` in progress (projen's private `_initProject`), if any. */
export function initProjectOf(project: Project): InitProject | undefined {
  return (project as unknown as { _initProject?: InitProject })._initProject;
}

/** Whether projen's post-synthesis steps are off (`PROJEN_DISABLE_POST`, as projen reads it). */
export function postSynthesisDisabled(): boolean {
  return isTruthy(process.env.PROJEN_DISABLE_POST);
}

const RESOLVER: IResolver = { resolve: (obj: any, options?: any) => resolve(obj, options) };

/** A file's content as `FileBase.synthesize()` would write it (its protected `synthesizeContent`), or undefined for none. */
export function renderFile(file: FileBase): string | undefined {
  return (file as unknown as { synthesizeContent(r: IResolver): string | undefined }).synthesizeContent(RESOLVER);
}

/** The file mode `FileBase.synthesize()` gives a file (read-only and executable bits). */
export function fileMode(file: FileBase): number {
  return parseInt(file.readonly ? (file.executable ? '544' : '444') : file.executable ? '755' : '644', 8);
}

/** Records what `FileBase.synthesize()` records: the content before and after, and whether it changed (`file.changed`). */
export function recordSynthesized(file: FileBase, previous: string | undefined, content: string, changed: boolean): void {
  const state = file as unknown as { _previousContent?: string; _newContent?: string; _changed?: boolean };
  state._previousContent = previous;
  state._newContent = content;
  state._changed = changed;
}
