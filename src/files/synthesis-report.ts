import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { Component, FileBase, Project } from 'projen';
import { modelOf, ProjectModel } from '../private/model';

/** Where the last synthesis is remembered: ignored by git, so it never shows up in a diff. */
export const STATE_FILE = '.projen/go-service.state.json';

interface State {
  /** sha256 of each generated file as the last synthesis wrote it. */
  readonly files: { [path: string]: string };
  /** The services and their main package directories at the last synthesis. */
  readonly services: { [name: string]: string };
}

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Tells the user what a synthesis did to things they may care about: generated files whose hand
 * edits were overwritten, and services that were removed (whose code stays, because it is theirs).
 */
export class SynthesisReport extends Component {
  private readonly model: ProjectModel;
  private editedBefore: string[] = [];

  constructor(project: Project) {
    super(project);
    this.model = modelOf(project, () => 'the synthesis report belongs to a GoServiceProject.');
    project.gitignore.exclude(`/${STATE_FILE}`);
  }

  private read(): State | undefined {
    try {
      return JSON.parse(readFileSync(join(this.project.outdir, STATE_FILE), 'utf-8'));
    } catch {
      return undefined;
    }
  }

  private generatedFiles(): FileBase[] {
    return this.project.files.filter((f) => f.readonly && f.path !== STATE_FILE);
  }

  /** Before anything is written: which generated files differ from what we wrote last time. */
  public preSynthesize(): void {
    const state = this.read();
    this.editedBefore = [];
    if (!state) return;
    for (const f of this.generatedFiles()) {
      const abs = join(this.project.outdir, f.path);
      const recorded = state.files[f.path];
      if (recorded && existsSync(abs) && sha(readFileSync(abs)) !== recorded) {
        this.editedBefore.push(f.path);
      }
    }
  }

  /** After: report, and remember this synthesis. */
  public postSynthesize(): void {
    const state = this.read();
    for (const path of this.editedBefore) {
      this.project.logger.warn(`restored ${path}: it was edited by hand, and generated files are rewritten by every npx projen. Change .projenrc.ts instead.`);
    }
    const services: { [name: string]: string } = {};
    for (const s of this.model.services) {
      services[s.name] = s.mainPackage.replace(/^\.\//, '');
    }
    for (const [name, dir] of Object.entries(state?.services ?? {})) {
      if (!(name in services) && existsSync(join(this.project.outdir, dir))) {
        this.project.logger.info(`service ${name} was removed: its Dockerfile targets, compose service and Makefile targets are gone; its code in ${dir}/ is yours and stays.`);
      }
    }
    const files: { [path: string]: string } = {};
    for (const f of this.generatedFiles()) {
      const abs = join(this.project.outdir, f.path);
      if (existsSync(abs)) files[f.path] = sha(readFileSync(abs));
    }
    const next: State = { files, services };
    const path = join(this.project.outdir, STATE_FILE);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, `${JSON.stringify(next, undefined, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
}
