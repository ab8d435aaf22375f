import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { ASIDE_DIR } from '../../model/constants';
import { CodeStyle } from '../projenrc-editor';

/** A Dockerfile by its name: `Dockerfile`, `Dockerfile.dev`, `worker.Dockerfile`, `Containerfile`. */
const DOCKERFILE_NAME = /^(?:(?:Dockerfile|Containerfile)(?:\.[^/]+)?|[^/]+\.(?:Dockerfile|dockerfile|Containerfile))$/;

/** Directories no build of the repository's is in. */
const SKIPPED_DIRS = ['node_modules', 'vendor', ASIDE_DIR];

/**
 * The repository's Dockerfiles other than the one the generated Dockerfile replaces (the root
 * `Dockerfile`), that have no ignore file of their own (`<Dockerfile>.dockerignore`): their builds
 * would read the generated .dockerignore, an allow-list for the generated Dockerfile.
 */
export function otherDockerfiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIPPED_DIRS.includes(e.name) && depth < 6) walk(path, depth + 1);
      } else if (e.isFile() && DOCKERFILE_NAME.test(e.name) && !e.name.endsWith('.dockerignore') && path !== 'Dockerfile' && !existsSync(join(dir, `${path}.dockerignore`))) {
        found.push(path);
      }
    }
  };
  walk('', 0);
  return found.sort();
}

/** The rules of the repository's .dockerignore (comments and blank lines aside); none when there is none. */
export function dockerignoreRules(dir: string): string[] {
  const file = join(dir, '.dockerignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf-8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The `dockerfileIgnores` option for the repository's other Dockerfiles (as code), and what adopt
 * says of it: each gets the rules of the original .dockerignore.
 */
export function dockerfileIgnores(s: CodeStyle, dir: string): { code?: string; notes: string[]; files: string[]; globNote?: string } {
  const dockerfiles = otherDockerfiles(dir);
  if (dockerfiles.length === 0) return { notes: [], files: [] };
  const rules = dockerignoreRules(dir);
  const one = dockerfiles.length === 1;
  const notes = [
    `${dockerfiles.join(', ')} ${one ? 'gets its' : 'get their'} own ignore file (<Dockerfile>.dockerignore, which BuildKit reads instead of the generated .dockerignore) `
    + `with ${rules.length ? 'the rules of your .dockerignore' : 'no rules (you had no .dockerignore)'}, so ${one ? 'its build sees' : 'their builds see'} the context ${one ? 'it' : 'they'} always did.`,
  ];
  // BuildKit reads the ignore file only beside its Dockerfile, where a glob of Dockerfile variants matches it too
  const variants = dockerfiles.filter((f) => /(^|\/)Dockerfile\.[^/]+$/.test(f));
  let globNote: string | undefined;
  if (variants.length) {
    globNote = (`${variants.map((f) => `${f}.dockerignore`).join(', ')} must sit beside ${one ? 'its Dockerfile' : 'their Dockerfiles'}, where a glob such as Dockerfile.* matches ${variants.length === 1 ? 'it' : 'them'} too: leave *.dockerignore out of any such glob of yours.`);
  }
  return { code: `{ ${dockerfiles.map((f) => `${s.str(f)}: [${rules.map((r) => s.str(r)).join(', ')}]`).join(', ')} }`, notes, files: dockerfiles.map((f) => `${f}.dockerignore`), globNote };
}
