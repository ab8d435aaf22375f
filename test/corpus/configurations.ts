import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import {
  CertsLayer, DistrolessVariant, GoService, GoServiceOptions, GoServiceProject, HealthCheck, Libc, PostgresDatabase, RedisCache,
  RuntimeStage, TzLayer,
} from '../../src';

/**
 * The corpus of valid configurations: fast-check arbitraries over the option space (valid ones
 * only) and the project each describes. The property test checks them with the real tools; the
 * golden test checks that a refactoring renders every one of them byte-identical.
 */
const DIGEST = `sha256:${'c'.repeat(64)}`;

export type RuntimeSpec =
  | { kind: 'scratch'; nonroot: boolean }
  | { kind: 'distroless'; variant: 'static' | 'base' | 'cc'; debian: 12 | 13; nonroot: boolean; digest: boolean }
  | { kind: 'alpine'; version: string; nonroot: boolean }
  | { kind: 'custom'; libc: 'none' | 'glibc'; certs: boolean; tzdata: boolean; shell: boolean };

export interface ServiceSpec {
  runtime: RuntimeSpec;
  cgo: boolean;
  certs: 'auto' | 'builder' | 'base' | 'none';
  tz: 'auto' | 'embedded' | 'zip' | 'base' | 'none';
  zone?: string;
  writableTmp: boolean;
  userName?: string;
  buildTags: string[];
  ldflags: string[];
  env: { [k: string]: string };
  healthCheck: boolean;
  configFile: boolean;
}

export interface ProjectSpec {
  name: string;
  goVersion: string;
  modulePath?: string;
  mirror?: string;
  builderDigest: boolean;
  sourceUrl: boolean;
  main: ServiceSpec;
  extra: ServiceSpec[];
  postgres: boolean;
  redis: boolean;
}

const runtimeArb: fc.Arbitrary<RuntimeSpec> = fc.oneof(
  fc.record({ kind: fc.constant('scratch' as const), nonroot: fc.boolean() }),
  fc.record({
    kind: fc.constant('distroless' as const),
    variant: fc.constantFrom('static' as const, 'base' as const, 'cc' as const),
    debian: fc.constantFrom(12 as const, 13 as const),
    nonroot: fc.boolean(),
    digest: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('alpine' as const), version: fc.constantFrom('3.21', '3.22', '3.22.1'), nonroot: fc.boolean() }),
  fc.record({ kind: fc.constant('custom' as const), libc: fc.constantFrom('none' as const, 'glibc' as const), certs: fc.boolean(), tzdata: fc.boolean(), shell: fc.boolean() }),
);

const hasLibc = (r: RuntimeSpec) => (r.kind === 'distroless' && r.variant !== 'static') || (r.kind === 'custom' && r.libc === 'glibc');
const baseCerts = (r: RuntimeSpec) => r.kind === 'distroless' || r.kind === 'alpine' || (r.kind === 'custom' && r.certs);
const baseTz = (r: RuntimeSpec) => r.kind === 'distroless' || r.kind === 'alpine' || (r.kind === 'custom' && r.tzdata);

const serviceArb: fc.Arbitrary<ServiceSpec> = fc.record({
  runtime: runtimeArb,
  cgo: fc.boolean(),
  certs: fc.constantFrom('auto' as const, 'builder' as const, 'base' as const, 'none' as const),
  tz: fc.constantFrom('auto' as const, 'embedded' as const, 'zip' as const, 'base' as const, 'none' as const),
  zone: fc.option(fc.constantFrom('UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata'), { nil: undefined }),
  writableTmp: fc.boolean(),
  userName: fc.option(fc.constantFrom('app', 'svc_user', 'web-1'), { nil: undefined }),
  buildTags: fc.subarray(['netgo', 'osusergo', 'purego', 'feature.x']),
  ldflags: fc.subarray(['-X main.edition=oss', '-X main.flavour=blue']),
  env: fc.dictionary(fc.constantFrom('LOG_LEVEL', 'FEATURE_FLAGS', 'GOMAXPROCS', 'APP_NAME'), fc.constantFrom('debug', 'a,b', '2', 'my app', "it's")),
  healthCheck: fc.boolean(),
  configFile: fc.boolean(),
}).map((s) => ({
  // keep it valid: the model refuses the rest (tested in validation.test.ts)
  ...s,
  cgo: s.cgo && hasLibc(s.runtime),
  certs: s.certs === 'base' && !baseCerts(s.runtime) ? 'auto' : s.certs,
  tz: s.tz === 'base' && !baseTz(s.runtime) ? 'auto' : s.tz,
  zone: s.tz === 'none' ? undefined : s.zone,
  userName: s.runtime.kind === 'scratch' ? s.userName : undefined,
}));

export const projectArb: fc.Arbitrary<ProjectSpec> = fc.record({
  name: fc.constantFrom('hello', 'api', 'order-service', 'x1'),
  goVersion: fc.constantFrom('1.21', '1.24', '1.25', '1.26', '1.27'),
  modulePath: fc.option(fc.constantFrom('github.com/acme/svc', 'gitlab.example.com:8443/team/sub/group', 'internal'), { nil: undefined }),
  mirror: fc.option(fc.constantFrom('mirror.example.com', 'registry.acme.internal:5000/hub'), { nil: undefined }),
  builderDigest: fc.boolean(),
  sourceUrl: fc.boolean(),
  main: serviceArb,
  extra: fc.array(serviceArb, { maxLength: 3 }),
  postgres: fc.boolean(),
  redis: fc.boolean(),
});

function runtimeOf(r: RuntimeSpec): RuntimeStage {
  switch (r.kind) {
    case 'scratch': return RuntimeStage.scratch({ nonroot: r.nonroot });
    case 'distroless': return RuntimeStage.distroless({
      variant: { static: DistrolessVariant.STATIC, base: DistrolessVariant.BASE, cc: DistrolessVariant.CC }[r.variant],
      debian: r.debian,
      nonroot: r.nonroot,
      digest: r.digest ? DIGEST : undefined,
    });
    case 'alpine': return RuntimeStage.alpine({ version: r.version, nonroot: r.nonroot });
    case 'custom': return RuntimeStage.custom('registry.example.com/base/img:2.1', {
      libc: r.libc === 'glibc' ? Libc.GLIBC : Libc.NONE, providesCerts: r.certs, providesTzdata: r.tzdata, shell: r.shell,
    });
  }
}

function serviceOptions(s: ServiceSpec, port: number, name: string): GoServiceOptions {
  const tzOptions = { defaultZone: s.zone };
  return {
    port,
    runtime: runtimeOf(s.runtime),
    cgo: s.cgo,
    certs: { auto: CertsLayer.auto(), builder: CertsLayer.fromBuilder(), base: CertsLayer.fromBase(), none: CertsLayer.none() }[s.certs],
    tz: s.tz === 'none' ? TzLayer.none() : { auto: TzLayer.auto, embedded: TzLayer.embedded, zip: TzLayer.zoneinfoZip, base: TzLayer.fromBase }[s.tz](tzOptions),
    writableTmp: s.writableTmp,
    userName: s.userName,
    buildTags: s.buildTags,
    ldflags: s.ldflags,
    environment: s.env,
    healthCheck: s.healthCheck ? undefined : HealthCheck.none(),
    configFiles: s.configFile ? [`config/${name}.yaml`] : undefined,
  };
}

export function build(spec: ProjectSpec, extra: { kubernetes?: boolean } = {}): GoServiceProject {
  const project = new GoServiceProject({
    ...extra,
    name: spec.name,
    outdir: mkdtempSync(join(tmpdir(), 'pgs-prop-')),
    goVersion: spec.goVersion,
    modulePath: spec.modulePath,
    registryMirror: spec.mirror,
    builderDigest: spec.builderDigest ? DIGEST : undefined,
    sourceUrl: spec.sourceUrl ? 'https://github.com/acme/svc' : undefined,
    ...serviceOptions(spec.main, 8080, spec.name),
  });
  spec.extra.forEach((s, i) => new GoService(project, `svc-${i}`, serviceOptions(s, 9000 + i, `svc-${i}`)));
  if (spec.postgres) new PostgresDatabase(project);
  if (spec.redis) new RedisCache(project, { hostPort: 16379 });
  return project;
}
