import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import {
  CertsLayer, DistrolessVariant, GoService, GoServiceProject, GoServiceProjectOptions, HealthCheck, Instruction, Libc,
  RunMount, RuntimeStage, StagePosition, TzLayer,
} from '../src';
import { newProject, synth } from './util';
import { HEALTH_PROBE_SOURCE } from '../src/model/health-probe';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** Every runtime/certs/tz/cgo/user combination we snapshot, by name. */
export const VARIANTS: { [name: string]: Partial<GoServiceProjectOptions> } = {
  'scratch (default)': {},
  'scratch, root': { runtime: RuntimeStage.scratch({ nonroot: false }) },
  'scratch, no certs, no tz': { certs: CertsLayer.none(), tz: TzLayer.none() },
  'scratch, zoneinfo.zip and a default zone': { tz: TzLayer.zoneinfoZip({ defaultZone: 'Europe/Berlin' }) },
  'scratch, /tmp, named user, config files': { writableTmp: true, userName: 'app', configFiles: ['config.yaml', 'deploy/limits.json'] },
  'scratch, build tags and ldflags': { buildTags: ['netgo', 'osusergo'], ldflags: ['-X main.edition=oss'] },
  'distroless static (Debian 13, nonroot)': { runtime: RuntimeStage.distroless() },
  'distroless static (Debian 12, root)': { runtime: RuntimeStage.distroless({ debian: 12, nonroot: false }) },
  'distroless static, embedded tz, certs from builder': { runtime: RuntimeStage.distroless(), tz: TzLayer.embedded(), certs: CertsLayer.fromBuilder() },
  'distroless base (Debian 13), cgo': { cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) },
  'distroless cc (Debian 12, root), cgo': { cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC, debian: 12, nonroot: false }) },
  'alpine 3.22': { runtime: RuntimeStage.alpine({ version: '3.22' }) },
  'alpine 3.22, tzdata from the base, a default zone': { runtime: RuntimeStage.alpine({ version: '3.22' }), tz: TzLayer.fromBase({ defaultZone: 'America/New_York' }) },
  'custom glibc base, cgo': {
    cgo: true,
    runtime: RuntimeStage.custom('registry.example.com/base/glibc:2.41', { libc: Libc.GLIBC, providesTzdata: true }),
  },
  'mirror and digest pins': {
    registryMirror: 'mirror.example.com/hub',
    builderDigest: DIGEST,
    runtime: RuntimeStage.distroless({ digest: DIGEST }),
    sourceUrl: 'https://github.com/acme/hello',
    imageLabels: { 'org.opencontainers.image.vendor': 'Acme' },
  },
};

function dockerfileOf(options: Partial<GoServiceProjectOptions>): string {
  return synth(newProject(options)).Dockerfile;
}

describe('Dockerfile', () => {
  describe.each(Object.entries(VARIANTS))('%s', (_name, options) => {
    const dockerfile = dockerfileOf(options);

    test('matches the snapshot', () => {
      expect(dockerfile).toMatchSnapshot();
    });

    test('has no dockerfile-utils diagnostics', () => {
      expect(validate(dockerfile)).toEqual([]);
    });

    test('parses into the expected stages, the default service last', () => {
      const stages = DockerfileParser.parse(dockerfile).getFROMs().map((f) => f.getBuildStage());
      const flavours = options.cgo ? ['deps-cgo', 'builder-cgo'] : ['deps', 'builder'];
      // make dev's file watcher and the development image of the toolchain
      const dev = ['air', options.cgo ? 'dev-cgo' : 'dev'];
      expect(stages).toEqual([...flavours, ...dev, 'build-hello', 'hello-debug', 'hello']);
    });
  });

  test('the default service: builder, flags, rootfs, user, health check, entrypoint', () => {
    const lines = dockerfileOf({}).split('\n');
    expect(lines).toContain('FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS deps');
    expect(lines).toContain('COPY go.mod go.sum* ./');
    expect(lines).toContain('    CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}" \\');
    expect(lines).toContain('    go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false -tags timetzdata \\');
    expect(lines).toContain('    -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \\');
    expect(lines).toContain('    -o /out/rootfs/usr/local/bin/hello ./cmd/hello \\');
    // a failed build says what a missing package most likely means
    expect(lines).toContain('    || { echo "go build failed. If it says a package is missing: .dockerignore lets in the packages the services import as of the last npx projen; run npx projen after adding one." >&2; exit 1; } \\');
    expect(lines).toContain('    && cp /etc/ssl/certs/ca-certificates.crt /out/rootfs/etc/ssl/certs/ca-certificates.crt \\');
    expect(lines).toContain('    && find /out/rootfs -exec touch -h -d "@${SOURCE_DATE_EPOCH}" {} +');
    expect(lines).toContain('FROM scratch AS hello');
    expect(lines).toContain('USER 65532:65532');
    expect(lines).toContain('EXPOSE 8080/tcp');
    expect(lines).toContain('ENTRYPOINT ["/usr/local/bin/hello"]');
    expect(lines).toContain('    CMD ["/usr/local/bin/hello", "healthcheck"]');
    expect(lines.filter((l) => l.startsWith('# syntax='))).toEqual([]);
  });

  test('the platform args come after the module settings and go.mod, right before the download step that also compiles net/http for the target', () => {
    // a new repository: Go cannot list the samples yet, and they serve HTTP
    const text = dockerfileOf({});
    expect(text.indexOf('ARG TARGETARCH')).toBeGreaterThan(text.indexOf('COPY go.mod go.sum* ./'));
    expect(text).toContain('ARG TARGETVARIANT\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    { cd / && ');
    expect(text.indexOf('ARG TARGETARCH')).toBeLessThan(text.indexOf('go mod download'));
  });

  test('the Go module settings are build args of the dependency stage', () => {
    const lines = dockerfileOf({}).split('\n');
    for (const a of ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS']) {
      expect(lines).toContain(`ARG ${a}`);
    }
  });

  test('the final image of the default service copies one rootfs layer and nothing else', () => {
    const parsed = DockerfileParser.parse(dockerfileOf({}));
    const hello = parsed.getFROMs().find((f) => f.getBuildStage() === 'hello')!;
    const from = hello.getRange().start.line;
    const copies = parsed.getCOPYs().filter((c) => c.getRange().start.line > from);
    expect(copies.map((c) => c.getTextContent())).toEqual(['COPY --from=build-hello /out/rootfs/ /']);
  });

  test('scratch root runs as uid 0, explicitly', () => {
    expect(dockerfileOf({ runtime: RuntimeStage.scratch({ nonroot: false }) }).split('\n')).toContain('USER 0:0');
  });

  test('no certs and no tz: nothing copied, no timetzdata tag', () => {
    const text = dockerfileOf({ certs: CertsLayer.none(), tz: TzLayer.none() });
    expect(text).not.toContain('ca-certificates');
    expect(text).not.toContain('timetzdata');
    // the rest of the root is assembled in the build's own step: after the binary, only the commit time
    expect(text).toContain('exit 1; } \\\n    && find /out/rootfs -exec touch -h -d "@${SOURCE_DATE_EPOCH}" {} +');
  });

  test('zoneinfo.zip is copied and ZONEINFO points at it; TZ is set', () => {
    const lines = dockerfileOf({ tz: TzLayer.zoneinfoZip({ defaultZone: 'Europe/Berlin' }) }).split('\n');
    expect(lines).toContain('    && cp "$(go env GOROOT)/lib/time/zoneinfo.zip" /out/rootfs/usr/local/share/zoneinfo.zip \\');
    expect(lines).toContain('ENV ZONEINFO=/usr/local/share/zoneinfo.zip');
    expect(lines).toContain('ENV TZ=Europe/Berlin');
    expect(lines.join('\n')).not.toContain('timetzdata');
  });

  test('scratch with /tmp, a named user and config files', () => {
    const lines = dockerfileOf({ writableTmp: true, userName: 'app', configFiles: ['config.yaml'] }).split('\n');
    expect(lines).toContain('    && chmod 1777 /out/rootfs/tmp \\');
    expect(lines).toContain("    && printf 'app:x:65532:65532::/nonexistent:/sbin/nologin\\n' > /out/rootfs/etc/passwd \\");
    expect(lines).toContain("    && printf 'app:x:65532:\\n' > /out/rootfs/etc/group \\");
    // a file or a whole directory, read-only for everyone
    expect(lines).toContain('    && cp -R config.yaml /out/rootfs/etc/hello/config.yaml \\');
    expect(lines).toContain('    && chmod -R a-w,a+rX /out/rootfs/etc/hello/config.yaml \\');
    expect(lines).toContain('USER app:app');
  });

  test('distroless: the nonroot tag, nothing added for certs or tz', () => {
    const text = dockerfileOf({ runtime: RuntimeStage.distroless() });
    expect(text.split('\n')).toContain('FROM gcr.io/distroless/static-debian13:nonroot AS hello');
    expect(text.split('\n')).toContain('FROM gcr.io/distroless/static-debian13:debug-nonroot AS hello-debug');
    expect(text).not.toContain('ca-certificates.crt');
    expect(text).not.toContain('timetzdata');
  });

  test('distroless root uses the latest and debug tags', () => {
    const lines = dockerfileOf({ runtime: RuntimeStage.distroless({ debian: 12, nonroot: false }) }).split('\n');
    expect(lines).toContain('FROM gcr.io/distroless/static-debian12:latest AS hello');
    expect(lines).toContain('FROM gcr.io/distroless/static-debian12:debug AS hello-debug');
    expect(lines).toContain('USER 0:0');
  });

  test('cgo builds on Debian with gcc, on the target platform, with CGO_ENABLED=1', () => {
    const lines = dockerfileOf({ cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.BASE }) }).split('\n');
    expect(lines).toContain('FROM golang:1.26-bookworm AS deps-cgo');
    expect(lines).toContain('    CGO_ENABLED=1 GOOS="$TARGETOS" GOARCH="$TARGETARCH" \\');
    expect(lines).toContain('FROM gcr.io/distroless/base-debian13:nonroot AS hello');
    // only make dev's file watcher, static, is built on the build platform
    expect(lines.filter((l) => l.includes('$BUILDPLATFORM'))).toEqual(['FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS air']);
  });

  test('alpine installs CA certificates with apk and embeds the zone data', () => {
    const text = dockerfileOf({ runtime: RuntimeStage.alpine({ version: '3.22' }) });
    expect(text.split('\n')).toContain('RUN apk add --no-cache ca-certificates');
    expect(text.split('\n')).toContain('FROM alpine:3.22 AS hello');
    expect(text).toContain('-tags timetzdata');
  });

  test('alpine with tz from the base installs tzdata', () => {
    const text = dockerfileOf({ runtime: RuntimeStage.alpine({ version: '3.22' }), tz: TzLayer.fromBase() });
    expect(text.split('\n')).toContain('RUN apk add --no-cache ca-certificates tzdata');
  });

  test('mirror and digests reach builder and runtime; labels carry source and vendor', () => {
    const lines = dockerfileOf(VARIANTS['mirror and digest pins']).split('\n');
    expect(lines).toContain(`FROM --platform=$BUILDPLATFORM mirror.example.com/hub/golang:1.26-alpine@${DIGEST} AS deps`);
    expect(lines).toContain(`FROM mirror.example.com/hub/gcr.io/distroless/static-debian13:nonroot@${DIGEST} AS hello`);
    expect(lines).toContain('    org.opencontainers.image.source="https://github.com/acme/hello" \\');
    expect(lines).toContain('    org.opencontainers.image.vendor="Acme"');
  });

  test('dockerfileSyntax emits the # syntax= line first', () => {
    const text = dockerfileOf({ dockerfileSyntax: 'docker/dockerfile:1' });
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
  });

  test('instructions added to a named stage land there', () => {
    const project = newProject();
    project.dockerfile.addInstructions('deps', [Instruction.run('apk add --no-cache git')], StagePosition.START);
    project.dockerfile.addInstructions('hello', [Instruction.label({ 'com.example.team': 'payments' })]);
    project.dockerfile.addInstructions('deps', [
      Instruction.run('go mod download', { mounts: [RunMount.secret('netrc', { target: '/root/.netrc' })] }),
    ]);
    const lines = synth(project).Dockerfile.split('\n');
    const from = lines.indexOf('FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS deps');
    expect(lines[from + 1]).toBe('RUN apk add --no-cache git');
    expect(lines).toContain('RUN --mount=type=secret,id=netrc,target=/root/.netrc \\');
    expect(lines[lines.length - 2]).toBe('LABEL com.example.team="payments"');
  });
});

describe('the health probe of HTTP and TCP checks', () => {
  // GIVEN an HTTP check on the service's port, a TCP check on the service's port and a TCP check on a port of its own
  const project = newProject({ healthCheck: HealthCheck.http({ path: '/readyz' }) });
  new GoService(project, 'worker', { port: 9090, healthCheck: HealthCheck.tcp() });
  new GoService(project, 'admin', { port: 9091, healthCheck: HealthCheck.tcp({ port: 9100 }) });
  // WHEN the Dockerfile is rendered
  const lines: string[] = synth(project).Dockerfile.split('\n');

  test('starts at the service\'s port and follows the service; a port of the check\'s own is probed alone (-fixed)', () => {
    const checks = lines.filter((l) => l.startsWith('    CMD ["/usr/local/bin/healthprobe"'));
    // each image and its -debug variant
    expect(checks).toEqual([
      '    CMD ["/usr/local/bin/healthprobe", "tcp", "9090"]',
      '    CMD ["/usr/local/bin/healthprobe", "tcp", "9090"]',
      '    CMD ["/usr/local/bin/healthprobe", "-fixed", "tcp", "9100"]',
      '    CMD ["/usr/local/bin/healthprobe", "-fixed", "tcp", "9100"]',
      '    CMD ["/usr/local/bin/healthprobe", "http", "8080", "/readyz"]',
      '    CMD ["/usr/local/bin/healthprobe", "http", "8080", "/readyz"]',
    ]);
  });

  test('the healthprobe stage writes the probe\'s source line by line, unchanged, and builds it static', () => {
    const start = lines.indexOf("RUN printf '%s\\n' \\");
    const end = lines.findIndex((l, i) => i > start && l.endsWith(' > main.go'));
    expect(lines[start - 2]).toBe('FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS healthprobe');
    const written = lines.slice(start + 1, end + 1).map((l) => l.replace(/^    '/, '').replace(/' (\\|> main\.go)$/, ''));
    expect(written).toEqual(HEALTH_PROBE_SOURCE);
    expect(lines[end + 4]).toBe('RUN CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}" go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false -ldflags "-s -w" -o healthprobe main.go');
    // what makes it follow the service: the listening sockets (state 0A) of the processes it sees
    expect(written).toContain('\tfor _, file := range []string{"/net/tcp", "/net/tcp6"} {');
    expect(written.some((l) => l.includes('f[3] != "0A"'))).toBe(true);
    expect(written.filter((l) => /^\t"/.test(l))).toEqual(['\t"os"', '\t"syscall"', '\t"unsafe"']);
  });
});

describe('several services share one Dockerfile', () => {
  function shop(): GoServiceProject {
    const project = newProject({ name: 'shop', modulePath: 'example.com/shop', goVersion: '1.26', port: 8080, runtime: RuntimeStage.scratch() });
    new GoService(project, 'worker', {
      port: 9090,
      runtime: RuntimeStage.distroless({ variant: DistrolessVariant.STATIC, debian: 13, nonroot: true }),
      certs: CertsLayer.auto(),
      tz: TzLayer.embedded(),
    });
    new GoService(project, 'pdf', { port: 9091, cgo: true, runtime: RuntimeStage.distroless({ variant: DistrolessVariant.CC }) });
    new GoService(project, 'edge', { port: 9092, runtime: RuntimeStage.alpine({ version: '3.22' }) });
    return project;
  }

  test('matches the snapshot', () => {
    expect(synth(shop()).Dockerfile).toMatchSnapshot();
  });

  test('one dependency stage and one builder per flavour, one target per service, the default last', () => {
    const text = synth(shop()).Dockerfile;
    expect(validate(text)).toEqual([]);
    const stages = DockerfileParser.parse(text).getFROMs().map((f) => f.getBuildStage());
    expect(stages).toEqual([
      'deps', 'builder', 'deps-cgo', 'builder-cgo',
      'air', 'dev', 'dev-cgo',
      'build-shop', 'build-worker', 'build-pdf', 'build-edge',
      'worker-debug', 'worker', 'pdf-debug', 'pdf', 'edge-debug', 'edge', 'shop-debug', 'shop',
    ]);
  });

  test('non-default services are named <project>-<service>', () => {
    const project = shop();
    expect(project.services.map((s) => s.imageName)).toEqual(['shop', 'shop-worker', 'shop-pdf', 'shop-edge']);
    expect(project.defaultService.name).toBe('shop');
    expect(project.defaultService.mainPackage).toBe('./cmd/shop');
  });

  test('the same config renders byte-identical files', () => {
    const a = synth(shop());
    const b = synth(shop());
    expect(a).toEqual(b);
  });
});
