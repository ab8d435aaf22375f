import { IgnoreFile, IResolver } from 'projen';
import type { GoServiceProject } from '../go-service-project';
import { SECRETS_DIR } from '../private/constants';

/** What every Go build reads, besides the services' own files. */
const BUILD_INPUTS = ['go.mod', 'go.sum', 'cmd/', 'internal/', 'pkg/', 'vendor/'];

/** What never enters the build context, even inside the paths let back in. */
const NEVER = ['**/.git', '**/.env', '**/.env.*', '**/*.pem', '**/*.key', `**/${SECRETS_DIR}`, '**/node_modules', 'bin/'];

/**
 * The generated .dockerignore: an allow-list. Everything is ignored, then only what the build reads
 * is let back in (go.mod, go.sum, cmd/, internal/, pkg/, vendor/, the services' config files and any
 * path added with `include()`); secrets, .git, build output and node_modules never get in.
 */
export class DockerIgnore extends IgnoreFile {
  private readonly included: string[] = [];
  private readonly excluded: string[] = [];
  private readonly model: GoServiceProject;

  constructor(project: GoServiceProject) {
    super(project, '.dockerignore', { filterCommentLines: false, filterEmptyLines: true });
    this.model = project;
  }

  /**
   * Adds patterns: a pattern that starts with `!` lets a path into the build context, any other keeps
   * it out. Secrets and .git stay out whatever is added.
   */
  public addPatterns(...patterns: string[]): void {
    super.addPatterns(...patterns);
    for (const p of patterns) {
      if (p.startsWith('#') || p.trim() === '') continue;
      const list = p.startsWith('!') ? this.included : this.excluded;
      const value = p.startsWith('!') ? p.slice(1) : p;
      if (!list.includes(value)) list.push(value);
    }
  }

  /** The paths let into the build context, in order. */
  public get contextPaths(): string[] {
    const configFiles = this.model.services.flatMap((s) => s.configFiles);
    return unique([...BUILD_INPUTS, ...configFiles, ...this.included]);
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const lines = [
      ...(this.marker ? [`# ${this.marker}`] : []),
      '# An allow-list: everything is ignored, then only what the build reads is let back in.',
      '*',
      ...this.contextPaths.map((p) => `!${p}`),
      '# Never in the build context, even inside the paths above.',
      ...unique([...NEVER, ...this.excluded]),
    ];
    return `${resolver.resolve(lines).join('\n')}\n`;
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
