import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'projen';
import { GoServiceProject, GoServiceProjectOptions } from '../src';

/** A project in its own temp dir (never the current directory: see PROJEN-NOTES). */
export function newProject(options: Partial<GoServiceProjectOptions> = {}): GoServiceProject {
  return new GoServiceProject({
    name: 'hello',
    outdir: mkdtempSync(join(tmpdir(), 'pgs-unit-')),
    ...options,
  });
}

/** Every file the project synthesizes, by path. */
export function synth(project: GoServiceProject): { [path: string]: any } {
  return Testing.synth(project);
}

/** The lines of one synthesized file. */
export function lines(project: GoServiceProject, file: string): string[] {
  return String(synth(project)[file]).split('\n');
}
