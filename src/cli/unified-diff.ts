import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** One side of a diff: a file on disk, or text. */
export type DiffSide = { readonly file: string } | { readonly text: string };

/**
 * A unified diff (`diff -u`, which every Unix has) between two files or texts, labelled
 * `a/<path>` and `b/<path>`; empty when they are the same. A missing file is `/dev/null`.
 */
export function unifiedDiff(path: string, before: DiffSide | undefined, after: DiffSide | undefined): string {
  const tmp = mkdtempSync(join(tmpdir(), 'projen-go-service-diff-'));
  try {
    const fileOf = (side: DiffSide | undefined, name: string) => {
      if (side === undefined) return '/dev/null';
      if ('file' in side) return side.file;
      const f = join(tmp, name);
      writeFileSync(f, side.text);
      return f;
    };
    const args = [
      '-u', '--label', before ? `a/${path}` : '/dev/null', '--label', after ? `b/${path}` : '/dev/null',
      fileOf(before, 'before'), fileOf(after, 'after'),
    ];
    const r = spawnSync('diff', args, { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status === 0) return '';
    if (r.status === 1) return r.stdout;
    throw new Error(`diff ${args.join(' ')} failed: ${r.stderr || r.error}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
