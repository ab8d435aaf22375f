import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Component, FileBase, Project } from 'projen';
import { sha256, SynthesisTransaction, writeGenerated } from './transaction';
import { modelOf, ProjectModel, requireModel } from '../model/model';

const REFUSAL = () => 'the synthesis report belongs to a GoServiceProject.';

/** Where the last synthesis is remembered: ignored by git, so it never shows up in a diff. */
export const STATE_FILE = '.projen/go-service.state.json';

interface State {
  /** sha256 of each generated file as the last synthesis wrote it. */
  readonly files: { [path: string]: string };
  /** The services and their main package directories at the last synthesis. */
  readonly services: { [name: string]: string };
}

/**
 * Tells the user what a synthesis did to things they may care about: generated files whose hand
 * edits were overwritten, and services that were removed (whose code stays, because it is theirs).
 * What it remembers is written with the synthesis it describes, in the same transaction, so a run
 * killed half-way never makes the next one report a hand edit that nobody made.
 */
export class SynthesisReport extends Component {
  private editedBefore: string[] = [];
  private removed: Array<[string, string]> = [];

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  constructor(project: Project) {
    super(project);
    requireModel(project, REFUSAL);
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
    this.removed = [];
    if (!state) return;
    for (const f of this.generatedFiles()) {
      const abs = join(this.project.outdir, f.path);
      const recorded = state.files[f.path];
      if (recorded && existsSync(abs) && sha256(readFileSync(abs)) !== recorded) {
        this.editedBefore.push(f.path);
      }
    }
  }

  /** Remembers this synthesis, with it: the hashes of what the generated files will hold. */
  public synthesize(): void {
    const tx = SynthesisTransaction.of(this.project);
    const record = () => {
      const services: { [name: string]: string } = {};
      for (const s of this.model.services) {
        services[s.name] = s.mainPackage.replace(/^\.\//, '');
      }
      const previous = this.read();
      this.removed = Object.entries(previous?.services ?? {})
        .filter(([name, dir]) => !(name in services) && existsSync(join(this.project.outdir, dir)));
      const files: { [path: string]: string } = {};
      for (const f of this.generatedFiles()) {
        const content = tx ? tx.contentOf(f.path) : readOrUndefined(join(this.project.outdir, f.path));
        if (content !== undefined) files[f.path] = sha256(content);
      }
      const text = `${JSON.stringify({ files, services } satisfies State, undefined, 2)}\n`;
      const current = readOrUndefined(join(this.project.outdir, STATE_FILE));
      if (current === undefined || current.toString('utf-8') !== text) writeGenerated(this.project, STATE_FILE, text, 0o644);
    };
    if (tx) tx.beforeCommit(record);
    else record();
  }

  /** After: what the user should know. */
  public postSynthesize(): void {
    for (const path of this.editedBefore) {
      this.project.logger.warn(`restored ${path}: it was edited by hand, and generated files are rewritten by every npx projen. Change .projenrc.ts instead.`);
    }
    for (const [name, dir] of this.removed) {
      this.project.logger.info(`service ${name} was removed: its Dockerfile targets, compose service and Makefile targets are gone; its code in ${dir}/ is yours and stays.`);
    }
  }
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
