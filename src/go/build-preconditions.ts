import { readFileSync } from 'fs';
import { join, relative } from 'path';
import type { AnalyzedMain } from './analyzer';
import type { GoPackage } from './go-graph';

/**
 * The compile errors the type checker found in a main's graph, as `file:line:col: message`: the
 * program does not build as committed (code `go generate` or a make target writes is missing, say).
 * The analyzer's own summaries ("does not type-check; analyzed as far as ...") are left out.
 */
export function compileErrorsOf(a: AnalyzedMain): string[] {
  const out: string[] = [];
  for (const e of a.errors) {
    const m = /^(?:\S+: )?(\S+\.go:\d+(?::\d+)?: .+)$/.exec(e);
    if (m && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/**
 * The `//go:generate` directives of the module's own packages in a main's graph, as
 * `file:line: command` (what `go generate` reads: a line that starts with `//go:generate `).
 *
 * @param root the module's directory
 * @param packages the module's packages of the main's graph
 */
export function generateDirectives(root: string, packages: readonly GoPackage[]): string[] {
  const out: string[] = [];
  for (const p of packages) {
    if (!p.dir || p.standard || !p.module?.main) continue;
    for (const f of p.goFiles.filter((x) => x.endsWith('.go'))) {
      let text: string;
      try {
        text = readFileSync(join(p.dir, f), 'utf-8');
      } catch {
        continue;
      }
      text.split('\n').forEach((line, i) => {
        if (line.startsWith('//go:generate ')) out.push(`${relative(root, join(p.dir!, f))}:${i + 1}: ${line.slice('//go:generate '.length).trim()}`);
      });
    }
  }
  return out;
}

/**
 * What adopt says when a main does not compile as committed: the first error, how many more, and
 * the build step that writes the missing code where the repository names one (`//go:generate`
 * directives; a make target of theirs is added by adopt). Undefined when it compiles.
 */
export function buildPreconditionFact(errors: readonly string[], directives: readonly string[]): string | undefined {
  if (errors.length === 0) return undefined;
  const more = errors.length > 1 ? ` and ${errors.length - 1} more` : '';
  const step = directives.length
    ? `: its packages have //go:generate directives (${directives.slice(0, 3).join('; ')}${directives.length > 3 ? '; ...' : ''}) whose output is not in the repository. Run go generate ./... before make docker-build (the image is built from your working tree; a clean checkout, such as CI's, needs it too)`
    : ': code it needs is not in the repository (written by a generator before the build, say). Generate it before make docker-build (the image is built from your working tree)';
  return `WARNING: it does not compile as committed (${errors[0]}${more}), so make docker-build fails until it does${step}`;
}
