import { FileBase, IResolver, Project } from 'projen';
import { NEVER_IN_CONTEXT } from '../model/constants';
import { modelOf, ProjectModel, requireModel } from '../model/model';

const REFUSAL = () => '.dockerignore: the generated .dockerignore belongs to a GoServiceProject.';

/** What every Go build reads, besides the packages of the services. */
const BUILD_INPUTS = ['go.mod', 'go.sum', 'vendor/'];


/**
 * The generated .dockerignore: an allow-list. Everything is ignored, then only what the build reads
 * is let back in: go.mod, go.sum, vendor/, the packages the services import as the Go toolchain
 * lists them (their Go files, other source files and `//go:embed` files), the files the services
 * read at run time, and any path added with `include()`. Secrets, .git, build output and
 * node_modules never get in. When Go cannot be asked, it lets everything else in (the image still
 * builds) and says so.
 */
export class DockerIgnore extends FileBase {
  /** The patterns added, in order: `!path` lets a path in, any other keeps one out. */
  private readonly patterns: string[] = [];

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  constructor(project: Project) {
    super(project, '.dockerignore', { readonly: true, marker: true });
    requireModel(project, REFUSAL);
  }

  /**
   * Adds patterns: a pattern that starts with `!` lets a path into the build context, any other keeps
   * it out. Secrets and .git stay out whatever is added. Comments and empty lines are dropped.
   */
  public addPatterns(...patterns: string[]): void {
    for (const p of patterns) {
      if (typeof p !== 'string' || /[\r\n]/.test(p)) {
        throw new Error(`dockerignore: ${JSON.stringify(p)} is not one pattern (it spans lines, or is not text). Give each pattern as its own one-line string.`);
      }
      if (p.replace(/^!/, '').split('/').includes('..')) {
        throw new Error(`dockerignore: ${JSON.stringify(p)} names a path outside the repository, and the build context holds only the repository. Use a path inside it, such as "web/".`);
      }
      if (p.startsWith('#') || p.trim() === '' || this.patterns.includes(p)) continue;
      this.patterns.push(p);
    }
  }

  /** Lets paths into the build context (`!` is added). */
  public include(...paths: string[]): void {
    this.addPatterns(...paths.map((p) => (p.startsWith('!') ? p : `!${p}`)));
  }

  /** Keeps paths out of the build context. */
  public exclude(...patterns: string[]): void {
    this.addPatterns(...patterns);
  }

  /** The paths let into the build context, in order (empty when Go could not be asked: the synthesis is then refused). */
  public get contextPaths(): string[] {
    const sources = this.model.goSources;
    if (!sources.complete) return [];
    const files = this.model.services.flatMap((s) => s.runtimeFiles.map((f) => f.source));
    // the SQL files the migrations images copy
    const migrations = this.model.addons.flatMap((a) => (a.migrations ? [`${a.migrations.directory}/`] : []));
    files.push(...migrations);
    const included = this.patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    return unique([...BUILD_INPUTS, ...sources.paths, ...files, ...included]);
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    if (!this.model.goSources.complete) {
      // validateModel refuses this synthesis first; the context is never widened to a deny-list
      throw new Error(`.dockerignore: Go could not be asked which packages the services import (${this.model.goSources.note}). Install Go and run npx projen again.`);
    }
    const allow = ['# An allow-list: everything is ignored, then only what the build reads is let back in.', '*', ...this.contextPaths.map((p) => `!${p}`)];
    const lines = [
      ...(this.marker ? [`# ${this.marker}`] : []),
      ...allow,
      '# Never in the build context, even inside the paths above.',
      ...unique([...NEVER_IN_CONTEXT, ...this.patterns.filter((p) => !p.startsWith('!'))]),
    ];
    return `${resolver.resolve(lines).join('\n')}\n`;
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
