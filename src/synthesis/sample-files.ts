import { existsSync } from 'fs';
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
        if (isNew || existsSync(join(this.project.outdir, path))) writeSample(this.project, path, text);
      }
    }
  }
}
