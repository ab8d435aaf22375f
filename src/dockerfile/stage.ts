import { Instruction } from './instruction';

/**
 * One build stage: `FROM [--platform=...] <image> AS <name>` and its instructions.
 */
export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly platform?: string;
  /** Comment lines rendered above the FROM line. */
  readonly comment?: string;
  readonly instructions: Instruction[];
}

/**
 * Renders stages as a Dockerfile. Pure: no projen, no file system.
 */
export function renderDockerfile(header: string[], stages: Stage[]): string {
  const blocks: string[] = [];
  if (header.length > 0) {
    blocks.push(header.map((l) => (l ? `# ${l}` : '#')).join('\n'));
  }
  for (const stage of stages) {
    const lines: string[] = [];
    if (stage.comment) {
      lines.push(Instruction.comment(stage.comment).render());
    }
    const platform = stage.platform ? `--platform=${stage.platform} ` : '';
    lines.push(`FROM ${platform}${stage.from} AS ${stage.name}`);
    lines.push(...stage.instructions.map((i) => i.render()));
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
