import { OptionProblem } from './model/problems';
import { RuntimeStage } from './runtime-stage';

/** Where the CA bundle of an image comes from, once decided for a runtime. */
export enum CertsSource {
  /** Copied from the builder stage into /etc/ssl/certs/ca-certificates.crt (about 220 KB). */
  BUILDER = 'builder',
  /** The base image brings it; nothing is added. */
  BASE = 'base',
  /** Installed with the base's package manager (`apk add --no-cache ca-certificates`). */
  PACKAGE = 'package',
  /** No CA bundle: the service makes no TLS calls. */
  NONE = 'none',
}

type Choice = 'auto' | 'builder' | 'base' | 'none';

/**
 * How CA certificates reach the image, so that TLS clients in the service can verify servers.
 */
export class CertsLayer {
  /**
   * Chosen from the runtime (the default): copied from the builder on scratch, provided by the
   * base on distroless, installed with apk on Alpine.
   */
  public static auto(): CertsLayer {
    return new CertsLayer('auto');
  }

  /** Copy the builder's CA bundle into the image. */
  public static fromBuilder(): CertsLayer {
    return new CertsLayer('builder');
  }

  /**
   * Use the base image's CA bundle (distroless, a custom base that provides one), or install it
   * with the base's package manager (Alpine).
   */
  public static fromBase(): CertsLayer {
    return new CertsLayer('base');
  }

  /** No CA bundle: for services that make no TLS calls. */
  public static none(): CertsLayer {
    return new CertsLayer('none');
  }

  private constructor(private readonly choice: Choice) {}

  /** How this layer was asked for: `auto`, `builder`, `base` or `none`. */
  public get mode(): string {
    return this.choice;
  }

  /**
   * Decides where the bundle comes from on the given runtime.
   */
  public sourceFor(runtime: RuntimeStage): CertsSource {
    switch (this.choice) {
      case 'none':
        return CertsSource.NONE;
      case 'builder':
        return CertsSource.BUILDER;
      case 'base':
        return runtime.providesCerts ? CertsSource.BASE : CertsSource.PACKAGE;
      case 'auto':
      default:
        if (runtime.providesCerts) return CertsSource.BASE;
        return runtime._installCommand ? CertsSource.PACKAGE : CertsSource.BUILDER;
    }
  }

  /** @internal */
  public _problems(runtime: RuntimeStage): OptionProblem[] {
    if (!['auto', 'builder', 'base', 'none'].includes(this.choice)) {
      return [{ option: 'certs', what: `"${this.choice}" is not a way to add CA certificates`, fix: 'Use CertsLayer.auto(), fromBuilder(), fromBase() or none()' }];
    }
    if (this.choice === 'base' && !runtime.providesCerts && !runtime._installCommand) {
      return [{
        option: 'certs',
        what: `${runtime.displayName} has no CA certificates to provide`,
        fix: 'Use CertsLayer.fromBuilder() (or CertsLayer.auto(), which picks it)',
      }];
    }
    return [];
  }
}
