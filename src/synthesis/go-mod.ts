import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Component, Project } from 'projen';
import { permissions } from './fs-safe';
import { writeGenerated } from './transaction';
import { listGoModules } from '../go/go-graph';
import { modelOf, ProjectModel, requireModel } from '../model/model';
import { problem } from '../model/problems';

const REFUSAL = () => 'go.mod: the model of go.mod belongs to a GoServiceProject.';

/** What a synthesis does to go.mod, decided before anything is written. */
interface GoModPlan {
  /** The text before (undefined: there is no go.mod yet). */
  readonly before?: string;
  readonly after: string;
  /** Why the model cannot be applied (refused before anything is written). */
  readonly problems: string[];
  /** What changed that the user should know. */
  readonly notes: string[];
}

/**
 * The model's facts in the user's go.mod: the module path and the `go` line (the language version),
 * which follows `goVersion`, or `goDirective` when set. Everything else in go.mod (require, replace,
 * comments) is the user's and stays as it is; go.sum is never touched.
 *
 * The builder (goVersion) is never older than go.mod's `go` and `toolchain` lines: when goVersion
 * goes below them, the go line goes down too (and a toolchain line above goVersion goes), but only
 * when no dependency needs more, which the Go toolchain tells from the module cache; otherwise the
 * synthesis is refused, naming the dependency.
 */
export class GoMod extends Component {
  private plan?: GoModPlan;

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  constructor(project: Project) {
    super(project);
    requireModel(project, REFUSAL);
  }

  /** The go.mod text for a new module. */
  public initialContent(): string {
    return `module ${this.model.modulePath}\n\ngo ${this.model.goDirective ?? this.model.goVersion}\n`;
  }

  /**
   * Decides what go.mod becomes; the problems refuse the synthesis before anything is written.
   * @internal
   */
  public _problems(): string[] {
    this.plan = this.decide();
    return this.plan.problems;
  }

  public synthesize(): void {
    const plan = this.plan ?? this.decide();
    this.plan = undefined;
    for (const note of plan.notes) this.project.logger.info(note);
    if (plan.after !== plan.before) {
      // with the rest of the synthesis: beside, then renamed in
      const file = join(this.project.outdir, 'go.mod');
      writeGenerated(this.project, 'go.mod', plan.after, existsSync(file) ? permissions(file) : 0o644);
    }
  }

  /** Applies the model to existing go.mod text, changing nothing else (problems aside). */
  public update(text: string): string {
    return this.apply(text).after;
  }

  private decide(): GoModPlan {
    const file = join(this.project.outdir, 'go.mod');
    if (!existsSync(file)) return { after: this.initialContent(), problems: [], notes: [] };
    return this.apply(readFileSync(file, 'utf-8'));
  }

  private apply(before: string): GoModPlan {
    const lines = before.split('\n');
    const notes: string[] = [];
    const problems: string[] = [];
    const moduleIdx = lines.findIndex((l) => /^module\s/.test(l));
    const want = this.model.modulePath;
    if (moduleIdx >= 0) {
      const m = /^module\s+("?)([^"\s]+)\1(\s*(\/\/.*)?)$/.exec(lines[moduleIdx]);
      const current = m?.[2];
      if (current !== want) {
        lines[moduleIdx] = `module ${want}${m?.[3] ?? ''}`;
        if (current) {
          notes.push(`go.mod: module path changed from ${current} to ${want}; imports of ${current}/... in your code are yours to update.`);
        }
      }
    } else {
      lines.unshift(`module ${want}`, '');
    }

    const builder = this.model.goVersion;
    const goIdx = lines.findIndex((l) => /^go\s/.test(l));
    const gm = goIdx >= 0 ? /^go\s+(\S+)(\s*(\/\/.*)?)$/.exec(lines[goIdx]) : null;
    const current = gm?.[1];
    const target = this.targetGoLine(current);
    const toolIdx = lines.findIndex((l) => /^toolchain\s/.test(l));
    const toolchain = toolIdx >= 0 ? /^toolchain\s+go(\S+)/.exec(lines[toolIdx])?.[1] : undefined;
    const dropToolchain = toolchain !== undefined && compareGoVersions(minor(toolchain), builder) > 0;
    const lowering = current !== undefined && compareGoVersions(target, current) < 0;
    if (lowering || dropToolchain) {
      const above = [current !== undefined && lowering ? `go ${current}` : undefined, dropToolchain ? `toolchain go${toolchain}` : undefined].filter(Boolean).join(' and ');
      const why = this.whyNotLower(target);
      if (why) {
        problems.push(problem(undefined, this.model.goDirective ? 'goDirective' : 'goVersion', `go.mod says ${above}, above ${this.model.goDirective ? `goDirective ${target}` : `goVersion ${builder}`}, and ${why.what}`, why.fix));
        return { before, after: before, problems, notes };
      }
      notes.push(`go.mod: lowered ${above} to go ${target}: goVersion ${builder} builds it, and no dependency needs more.`);
    }
    if (goIdx >= 0) {
      if (current !== target) lines[goIdx] = `go ${target}${gm?.[2] ?? ''}`;
    } else {
      const at = lines.findIndex((l) => /^module\s/.test(l)) + 1;
      lines.splice(at, 0, '', `go ${target}`);
    }
    if (dropToolchain) {
      lines.splice(toolIdx, lines[toolIdx + 1] === '' && lines[toolIdx - 1] === '' ? 2 : 1);
    }
    return { before, after: lines.join('\n'), problems, notes };
  }

  /** The go line the model asks for, given the one there. */
  private targetGoLine(current: string | undefined): string {
    const { goDirective, goVersion } = this.model;
    if (goDirective) return goDirective;
    // the go line follows goVersion; a patch release of the same minor stays (a dependency may need it)
    if (current !== undefined && minor(current) === goVersion && compareGoVersions(current, goVersion) >= 0) return current;
    return goVersion;
  }

  /** Why the go line cannot go down to `target`: a dependency needs more, or that cannot be told. */
  private whyNotLower(target: string): { what: string; fix: string } | undefined {
    const listing = listGoModules(this.project.outdir);
    const raise = this.model.goDirective ? 'raise goDirective' : 'raise goVersion';
    if (!listing.ok) {
      return { what: `whether a dependency needs more cannot be told: ${listing.reason}`, fix: `Install Go and run npx projen again, or ${raise}` };
    }
    const deps = listing.modules.filter((m) => !m.main);
    const unknown = deps.filter((m) => m.error !== undefined);
    const needs = deps
      .filter((m) => m.goVersion !== undefined && compareGoVersions(m.goVersion, target) > 0)
      .sort((a, b) => compareGoVersions(b.goVersion!, a.goVersion!));
    if (needs.length > 0) {
      const n = needs[0];
      return {
        what: `${n.path}@${n.version} needs go ${n.goVersion} (its go.mod), so the go line cannot go down to ${target}`,
        fix: `Keep goVersion at ${minor(n.goVersion!)} or later, or downgrade ${n.path} (go get ${n.path}@<an older version>)`,
      };
    }
    if (unknown.length > 0) {
      return {
        what: `what ${unknown[0].path}@${unknown[0].version} needs cannot be told: it is not in the module cache`,
        fix: `Run go mod download, then npx projen again, or ${raise}`,
      };
    }
    return undefined;
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
