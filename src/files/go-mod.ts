import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Component, Project } from 'projen';
import { modelOf, ProjectModel } from '../private/model';

/**
 * The model's two facts in the user's go.mod: the module path and the `go` line. Everything else in
 * go.mod (require, replace, toolchain, comments) is the user's and stays as it is; go.sum is never
 * touched. The `go` line is never lowered below what is there (dependencies may have raised it).
 */
export class GoMod extends Component {
  private readonly model: ProjectModel;

  constructor(project: Project) {
    super(project);
    this.model = modelOf(project, () => 'go.mod: the model of go.mod belongs to a GoServiceProject.');
  }

  /** The go.mod text for a new module. */
  public initialContent(): string {
    return `module ${this.model.modulePath}\n\ngo ${this.model.goVersion}\n`;
  }

  public synthesize(): void {
    const file = join(this.project.outdir, 'go.mod');
    const before = existsSync(file) ? readFileSync(file, 'utf-8') : undefined;
    const after = before === undefined ? this.initialContent() : this.update(before);
    if (after !== before) {
      // write beside and rename: go.mod is never left half-written
      const tmp = `${file}.projen-tmp`;
      writeFileSync(tmp, after);
      renameSync(tmp, file);
    }
  }

  /** Applies the two facts to existing go.mod text, changing nothing else. */
  public update(text: string): string {
    const lines = text.split('\n');
    const moduleIdx = lines.findIndex((l) => /^module\s/.test(l));
    const want = this.model.modulePath;
    if (moduleIdx >= 0) {
      const m = /^module\s+("?)([^"\s]+)\1(\s*(\/\/.*)?)$/.exec(lines[moduleIdx]);
      const current = m?.[2];
      if (current !== want) {
        lines[moduleIdx] = `module ${want}${m?.[3] ?? ''}`;
        if (current) {
          this.project.logger.info(`go.mod: module path changed from ${current} to ${want}; imports of ${current}/... in your code are yours to update.`);
        }
      }
    } else {
      lines.unshift(`module ${want}`, '');
    }
    const goIdx = lines.findIndex((l) => /^go\s/.test(l));
    const wanted = this.model.goVersion;
    if (goIdx >= 0) {
      const m = /^go\s+(\S+)(\s*(\/\/.*)?)$/.exec(lines[goIdx]);
      const current = m?.[1];
      if (current && compareGoVersions(current, wanted) > 0) {
        if (minor(current) !== minor(wanted)) {
          this.project.logger.warn(`go.mod: kept "go ${current}", which is above goVersion ${wanted} (a dependency or an earlier goVersion raised it; lowering it could break the build). The builder image follows goVersion: raise goVersion to ${minor(current)}, or lower go.mod yourself with go mod edit -go=${wanted} if nothing needs ${current}.`);
        }
      } else if (current !== wanted) {
        lines[goIdx] = `go ${wanted}${m?.[2] ?? ''}`;
      }
    } else {
      const at = lines.findIndex((l) => /^module\s/.test(l)) + 1;
      lines.splice(at, 0, '', `go ${wanted}`);
    }
    return lines.join('\n');
  }
}

function minor(v: string): string {
  return v.split('.').slice(0, 2).join('.');
}

/** Compares Go versions (1.26 < 1.26rc1 < 1.26.0 < 1.26.1), as the go command orders them. */
export function compareGoVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^(\d+)\.(\d+)(?:(rc|beta)(\d+)|\.(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, 0];
    const [, maj, min, pre, preN, patch] = m;
    // language version (1.26) < prereleases < releases
    const kind = patch !== undefined ? 3 : pre === 'rc' ? 2 : pre === 'beta' ? 1 : 0;
    return [Number(maj), Number(min), kind, Number(patch ?? preN ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 4; i++) {
    if (pa[i] !== pb[i]) return pa[i] - pb[i];
  }
  return 0;
}
