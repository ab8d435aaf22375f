import type { GoService } from '../go-service';

const HOST = Symbol.for('projen-go-service.GoServiceProject');

/** What a GoService needs from its project, without importing the project class (no import cycle). */
export interface ServiceHost {
  readonly name: string;
  readonly services: GoService[];
  readonly platforms: string[];
  readonly addons: Array<{ readonly name: string }>;
  _registerService(service: GoService): void;
}

export function markAsHost(x: object): void {
  Object.defineProperty(x, HOST, { value: true });
}

export function isGoServiceProject(x: unknown): boolean {
  return x !== null && typeof x === 'object' && HOST in (x as object);
}
