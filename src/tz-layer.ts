import { OptionProblem } from './model/problems';
import { TZ_NAMES } from './model/tz-names';
import { RuntimeStage } from './runtime-stage';

/** Where an image's time-zone data comes from, once decided for a runtime. */
export enum TzSource {
  /** Built into the binary with the `timetzdata` build tag (about 450 KB). Works everywhere. */
  EMBEDDED = 'embedded',
  /** `$GOROOT/lib/time/zoneinfo.zip` copied from the builder, with `ZONEINFO` pointing at it. */
  ZONEINFO_ZIP = 'zoneinfo-zip',
  /** The base image brings /usr/share/zoneinfo; nothing is added. */
  BASE = 'base',
  /** Installed with the base's package manager (`apk add --no-cache tzdata`). */
  PACKAGE = 'package',
  /** No time-zone data: only UTC works. */
  NONE = 'none',
}

/**
 * Options for time-zone layers.
 */
export interface TzLayerOptions {
  /**
   * The zone the service runs in (`TZ`), an IANA name that Go ships, such as `Europe/Berlin`.
   * @default - UTC
   */
  readonly defaultZone?: string;
}

type Choice = 'auto' | 'embedded' | 'zoneinfo-zip' | 'base' | 'none';

/**
 * How time-zone data reaches the image, so that `time.LoadLocation` works.
 */
export class TzLayer {
  /**
   * The smallest correct choice for the runtime (the default): the base's data where it has some,
   * else embedded in the binary.
   */
  public static auto(options: TzLayerOptions = {}): TzLayer {
    return new TzLayer('auto', options);
  }

  /** Embed the zone database in the binary (build tag `timetzdata`, about 450 KB). Works everywhere. */
  public static embedded(options: TzLayerOptions = {}): TzLayer {
    return new TzLayer('embedded', options);
  }

  /**
   * Copy Go's `lib/time/zoneinfo.zip` from the builder and set `ZONEINFO`. Works from
   * golang:*-alpine, which has no /usr/share/zoneinfo.
   */
  public static zoneinfoZip(options: TzLayerOptions = {}): TzLayer {
    return new TzLayer('zoneinfo-zip', options);
  }

  /** Use the base's /usr/share/zoneinfo (distroless), or install `tzdata` (Alpine). */
  public static fromBase(options: TzLayerOptions = {}): TzLayer {
    return new TzLayer('base', options);
  }

  /** No time-zone data: the service only uses UTC. */
  public static none(): TzLayer {
    return new TzLayer('none', {});
  }

  /** The zone the service runs in (`TZ`), if set. */
  public readonly defaultZone?: string;

  private constructor(private readonly choice: Choice, options: TzLayerOptions) {
    this.defaultZone = options.defaultZone;
  }

  /** How this layer was asked for: `auto`, `embedded`, `zoneinfo-zip`, `base` or `none`. */
  public get mode(): string {
    return this.choice;
  }

  /** Decides where the zone data comes from on the given runtime. */
  public sourceFor(runtime: RuntimeStage): TzSource {
    switch (this.choice) {
      case 'none':
        return TzSource.NONE;
      case 'embedded':
        return TzSource.EMBEDDED;
      case 'zoneinfo-zip':
        return TzSource.ZONEINFO_ZIP;
      case 'base':
        return runtime.providesTzdata ? TzSource.BASE : TzSource.PACKAGE;
      case 'auto':
      default:
        // the base's data costs nothing; otherwise embedding (~450 KB) is about the size of the zip
        // (~400 KB) and works without ZONEINFO, and is smaller than Alpine's tzdata package
        return runtime.providesTzdata ? TzSource.BASE : TzSource.EMBEDDED;
    }
  }

  /** @internal */
  public _problems(runtime: RuntimeStage): OptionProblem[] {
    const problems: OptionProblem[] = [];
    if (!['auto', 'embedded', 'zoneinfo-zip', 'base', 'none'].includes(this.choice)) {
      problems.push({ option: 'tz', what: `"${this.choice}" is not a way to add time-zone data`, fix: 'Use TzLayer.auto(), embedded(), zoneinfoZip(), fromBase() or none()' });
    }
    if (this.choice === 'base' && !runtime.providesTzdata && !runtime._installCommand) {
      problems.push({
        option: 'tz',
        what: `${runtime.displayName} has no time-zone data to provide`,
        fix: 'Use TzLayer.embedded() or TzLayer.zoneinfoZip() (or TzLayer.auto(), which picks one)',
      });
    }
    const zone = this.defaultZone;
    if (zone !== undefined && !TZ_NAMES.has(zone)) {
      const near = closestZone(zone);
      problems.push({
        option: 'tz',
        what: `${JSON.stringify(zone)} is not a time zone Go knows`,
        fix: near ? `Use an IANA name such as "${near}"` : 'Use an IANA name such as "Europe/Berlin", or "UTC"',
      });
    }
    return problems;
  }
}

function closestZone(zone: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = String(zone).toLowerCase();
  for (const name of TZ_NAMES) {
    const d = distance(lower, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(lower.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
