import { Component } from 'projen';
import type { GoService } from '../go-service';

/**
 * A secret file that compose hands to containers, created by `make secrets` on first use and
 * never committed or sent to the build context.
 */
export interface AddonSecret {
  /** The compose secret name. */
  readonly name: string;
  /** The file, relative to the repository root. */
  readonly file: string;
}

/**
 * A backing service for local development (a database, a cache) that lives in docker-compose.yml
 * and is wired into the Go services that use it.
 */
export abstract class Addon extends Component {
  /** The compose service name. */
  public abstract readonly name: string;

  /** The Go services wired to this add-on. */
  public abstract get connectedServices(): GoService[];

  /**
   * The compose service definition (in compose-file keys).
   * @internal
   */
  public abstract _composeService(): { [key: string]: any };

  /**
   * Named volumes this add-on declares.
   * @internal
   */
  public abstract _volumes(): string[];

  /**
   * Secret files this add-on needs.
   * @internal
   */
  public abstract _secrets(): AddonSecret[];

  /**
   * Environment variables a connected service gets.
   * @internal
   */
  public abstract _environmentFor(service: GoService): { [name: string]: string };

  /**
   * Secrets a connected service gets.
   * @internal
   */
  public abstract _secretsFor(service: GoService): string[];

  /**
   * Problems found before anything is written (house form).
   * @internal
   */
  public abstract _problems(): string[];
}
