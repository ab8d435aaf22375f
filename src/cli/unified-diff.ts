import { spawnSync } from 'child_process';

/** One side of a diff: a file on disk, or text. */
export type DiffSide = { readonly file: string } | { readonly text: string };

/**
 * A unified diff (`diff -u`, which every Unix has) between two files, or a file and a text, labelled
 * `a/<path>` and `b/<path>`; empty when they are the same. A missing file is `/dev/null`. A text goes
 * to diff on its standard input, never into a temporary file: nothing of the repository is written out
 * of it.
 */
export function unifiedDiff(path: string, before: DiffSide | undefined, after: DiffSide | undefined): string {
  const texts = [before, after].filter((s): s is { readonly text: string } => s !== undefined && 'text' in s);
  if (texts.length > 1) throw new Error(`unifiedDiff(${path}): one side at most is a text (it goes on diff's standard input); give the other as a file`);
  const fileOf = (side: DiffSide | undefined) => (side === undefined ? '/dev/null' : 'file' in side ? side.file : '-');
  const args = [
    '-u', '--label', before ? `a/${path}` : '/dev/null', '--label', after ? `b/${path}` : '/dev/null',
    fileOf(before), fileOf(after),
  ];
  const r = spawnSync('diff', args, { encoding: 'utf-8', input: texts[0]?.text ?? '', maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 0) return '';
  if (r.status === 1) return r.stdout;
  throw new Error(`diff ${args.join(' ')} failed: ${r.stderr || r.error}`);
}
