import { FileBase, IResolver, Project } from 'projen';
import { dockerfileStages } from './dockerfile-plan';
import { Instruction } from '../dockerfile/instruction';
import { renderDockerfile } from '../dockerfile/stage';
import { modelOf, ProjectModel, requireModel } from '../model/model';
import { problem } from '../model/problems';

const REFUSAL = () => 'Dockerfile: the generated Dockerfile belongs to a GoServiceProject.';

/** Where added instructions go in a stage. */
export enum StagePosition {
  /** Right after the FROM line. */
  START = 'start',
  /** After the stage's own instructions. */
  END = 'end',
}

/**
 * The generated multi-stage Dockerfile: one dependency stage and one builder per toolchain flavour,
 * a build stage per service, and per service a final target and a `-debug` target. Rendered from the
 * model at synthesis.
 */
export class Dockerfile extends FileBase {
  private readonly additions = new Map<string, { start: Instruction[]; end: Instruction[] }>();

  /** The model, as resolved for the synthesis under way. */
  private get model(): ProjectModel {
    return modelOf(this.project, REFUSAL);
  }

  constructor(project: Project) {
    super(project, 'Dockerfile', { readonly: true, marker: true });
    requireModel(project, REFUSAL);
  }

  /**
   * Adds instructions to a named stage (`deps`, `builder`, `build-<service>`, `<service>`,
   * `<service>-debug`), through the model rather than by patching the output.
   *
   * @param stage the stage name
   * @param instructions what to add
   * @param position where in the stage
   */
  public addInstructions(stage: string, instructions: Instruction[], position: StagePosition = StagePosition.END): void {
    const entry = this.additions.get(stage) ?? { start: [], end: [] };
    (position === StagePosition.START ? entry.start : entry.end).push(...instructions);
    this.additions.set(stage, entry);
  }

  /** The names of all stages, in order. */
  public get stageNames(): string[] {
    return this.stages().map((s) => s.name);
  }

  /**
   * What is wrong with the instructions added through the escape hatch: a stage that does not exist.
   * @internal
   */
  public _problems(): string[] {
    const stages = this.stageNames;
    return [...this.additions.keys()].filter((stage) => !stages.includes(stage)).map((stage) =>
      problem(undefined, 'dockerfile', `instructions were added to a stage named "${stage}", and there is none`, `Use one of: ${stages.join(', ')}`));
  }

  private stages() {
    return dockerfileStages(this.model, (stage) => this.additions.get(stage) ?? { start: [], end: [] });
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    const stages = this.stages();
    const services = this.model.services;
    const def = services.find((s) => s.isDefault)!;
    const header: string[] = [];
    if (this.marker) header.push(this.marker, '');
    header.push(
      `Targets: ${services.map((s) => `${s.target}${s === def ? ' (default)' : ''}, ${s.debugTarget}`).join(', ')}.`,
      `Build with make docker-build, or: docker build --target ${def.target} .`,
    );
    const syntax = this.model.dockerfileSyntax ? [`# syntax=${this.model.dockerfileSyntax}`] : [];
    return [...syntax, renderDockerfile(header, stages)].join('\n');
  }
}
