import { existsSync } from 'fs';
import { join } from 'path';
import { ASIDE_DIR } from '../model/constants';

export { ASIDE_DIR };

/*
 * The files of the user's that generated files replace all go to one folder, ASIDE_DIR: at the root
 * and hidden, so that no glob of the repository's own tooling matches what is in it (a Makefile's
 * `Dockerfile.*`, a shell's `*` or `*.yml`, Go's `./...`); git-ignored (the originals are in the
 * commit before, and the copies are for carrying things over by hand); never in a build context.
 */

/**
 * Where a file of the user's goes when a generated one takes its place: `.pre-projen/<path>`, or
 * `.pre-projen/<n>/<path>` when that is taken.
 */
export function asidePath(root: string, path: string, taken: (p: string) => boolean = () => false): string {
  for (let n = 1; ; n++) {
    const to = n === 1 ? `${ASIDE_DIR}/${path}` : `${ASIDE_DIR}/${n}/${path}`;
    if (!existsSync(join(root, to)) && !taken(to)) return to;
  }
}

/** What the user is told of a file of theirs moved aside. */
export function movedAsideMessage(path: string, to: string): string {
  return `moved your ${path} to ${to}: a generated ${path} takes its place. Carry over what you still need through .projenrc.ts, then delete ${to}.`;
}
