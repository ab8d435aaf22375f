import type { Instruction } from '../dockerfile/instruction';
import type { GoModuleSettings } from '../go-modules';
import type { GoService } from '../go-service';

/**
 * What the file renderers read from the project. GoServiceProject implements it; renderers never
 * read another file's output, only this.
 */
export interface BuildModel {
  readonly name: string;
  readonly modulePath: string;
  readonly goVersion: string;
  readonly platforms: string[];
  readonly registryMirror?: string;
  readonly services: GoService[];
  readonly goModules: GoModuleSettings;
  /** The reference for an image: mirror prefix and digest pin applied. */
  imageRef(image: string, digest?: string): string;
  /** The builder image reference (mirror and digest applied) for the pure-Go or the cgo flavour. */
  builderImage(cgo: boolean): string;
  /** The OCI labels of a service's image (values may reference build args). */
  imageLabels(service: GoService): { [key: string]: string };
  /** Instructions added to a stage through the escape hatch. */
  _stageAdditions(stage: string): { start: Instruction[]; end: Instruction[] };
}
