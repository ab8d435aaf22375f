import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Component, Project } from 'projen';
import { writeSample } from './transaction';

/** Sample files that belong together: written only when their directory does not exist yet. */
export interface SampleSet {
  /**
   * The directory the files are the start of (`cmd/hello`): when it exists, only files of the set
   * that exist are kept as they are (nothing new is written into the user's code).
   * @default - none: each file is written when it is missing
   */
  readonly dir?: string;
  /** The files, by path relative to the repository. */
  readonly files: { readonly [path: string]: string };
  /**
   * Files of the set written only when another file of the repository holds a text (a sample that
   * plugs into the user's code, written only when that code has the plug), by path.
   * @default - none
   */
  readonly onlyIf?: { readonly [path: string]: ReadonlyArray<{ readonly file: string; readonly contains: string }> };
}

/**
 * Files written once and owned by the user afterwards (as projen's SampleFile and SampleDir are):
 * the service samples and README.md, rendered at synthesis and written through the synthesis under
 * way (beside their target, renamed in with the rest), never over a file that exists.
 */
export class SampleFiles extends Component {
  constructor(project: Project, private readonly render: () => readonly SampleSet[]) {
    super(project);
  }

  public synthesize(): void {
    for (const set of this.render()) {
      const isNew = set.dir === undefined || !existsSync(join(this.project.outdir, set.dir));
      for (const [path, text] of Object.entries(set.files)) {
        const exists = existsSync(join(this.project.outdir, path));
        const conditions = set.onlyIf?.[path] ?? [];
        if (!exists && conditions.some((c) => !this.holds(c.file, c.contains))) continue;
        if (isNew || exists) writeSample(this.project, path, text);
      }
    }
  }

  /** Whether `file` holds `text` (on disk, or among the samples of this synthesis). */
  private holds(file: string, text: string): boolean {
    const own = this.render().flatMap((set) => Object.entries(set.files)).find(([p]) => p === file)?.[1];
    try {
      return readFileSync(join(this.project.outdir, file), 'utf8').includes(text);
    } catch {
      return own?.includes(text) ?? false;
    }
  }
}
