import { existsSync } from 'fs';
import { join } from 'path';

/** The suffix of a file of the user's that a generated file would replace. */
export const ASIDE_SUFFIX = '.pre-projen';

/** Where a file of the user's goes when a generated one takes its place: `<file>.pre-projen`, numbered if taken. */
export function asidePath(root: string, path: string, taken: (p: string) => boolean = () => false): string {
  for (let n = 1; ; n++) {
    const to = n === 1 ? `${path}${ASIDE_SUFFIX}` : `${path}${ASIDE_SUFFIX}.${n}`;
    if (!existsSync(join(root, to)) && !taken(to)) return to;
  }
}

/** What the user is told of a file of theirs moved aside. */
export function movedAsideMessage(path: string, to: string): string {
  return `moved your ${path} to ${to}: a generated ${path} takes its place. Carry over what you still need through .projenrc.ts, then delete ${to}.`;
}
