import { readdirSync } from 'fs';
import { join } from 'path';
import { neverInContext } from '../model/constants';

/** A file of a run-time directory that never enters the build context. */
export interface ExcludedSecret {
  /** The repository path of the file. */
  readonly file: string;
  /** The pattern it matches (`**\/*.pem`). */
  readonly pattern: string;
}

/** How many directory entries secretsUnder reads at most (a run-time directory is small; a huge one is not walked whole). */
const MAX_ENTRIES = 5000;

/**
 * The files under a repository directory that the program reads at run time but that never enter the
 * build context (keys, environment files, the secrets directory): the image will not have them. In
 * path order; an empty list for a file, a missing path, or a directory with none.
 */
export function secretsUnder(root: string, dir: string): ExcludedSecret[] {
  const out: ExcludedSecret[] = [];
  let seen = 0;
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++seen > MAX_ENTRIES) return;
      const path = `${rel}/${e.name}`;
      const pattern = neverInContext(path);
      if (pattern) {
        out.push({ file: path, pattern });
      } else if (e.isDirectory()) {
        walk(path);
      }
    }
  };
  walk(dir.replace(/\/+$/, ''));
  return out;
}

/** What adopt says of them: a WARNING naming the first, or nothing. */
export function secretsWarning(dir: string, secrets: readonly ExcludedSecret[]): string | undefined {
  if (secrets.length === 0) return undefined;
  const first = secrets[0];
  const more = secrets.length > 1 ? ` and ${secrets.length - 1} more` : '';
  return `WARNING: ${dir} is read at run time and copied into the image, but ${first.file}${more} never enters the build context ` +
    `(it matches ${first.pattern}: keys, secrets and environment files stay out of images), so the image will not have ${secrets.length > 1 ? 'them' : 'it'}. ` +
    'Give it to the container at run time (a volume, compose secrets, a Kubernetes Secret), or rename it if it holds no secret';
}
