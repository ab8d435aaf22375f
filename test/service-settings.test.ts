import { validate } from 'dockerfile-utils';
import * as YAML from 'yaml';
import { GoService, HealthCheck, PostgresDatabase } from '../src';
import { newProject, synth } from './util';

/**
 * Issue 14: the settings real binaries need, typed, and rendered from one model into the Dockerfile,
 * compose and the Makefile.
 */
describe('how a real service is run', () => {
  test('a port from another variable and from a flag: ENV, EXPOSE, CMD, compose and make run agree', () => {
    const project = newProject({ port: 7070, portVariable: 'HTTP_PORT', portArgument: '-listen=:{port}', args: ['-v'] });
    const files = synth(project);
    const df: string[] = files.Dockerfile.split('\n');
    expect(df).toContain('ENV HTTP_PORT=7070');
    expect(df).not.toContain('ENV PORT=7070');
    expect(df).toContain('EXPOSE 7070/tcp');
    expect(df).toContain('CMD ["-listen=:7070", "-v"]');
    expect(validate(files.Dockerfile)).toEqual([]);
    expect(YAML.parse(files['docker-compose.yml']).services.hello.environment).toEqual({ HTTP_PORT: '7070' });
    expect(files.Makefile).toContain('\tHTTP_PORT=7070 ./bin/hello -listen=:7070 -v\n');
  });

  test('a working directory and the files read from it, copied read-only; directories whole', () => {
    const project = newProject({ workdir: '/srv/blog', files: { 'templates': 'templates', 'config/app.json': '/etc/blog/app.json' } });
    const df: string[] = synth(project).Dockerfile.split('\n');
    expect(df).toContain('    && mkdir -p /out/rootfs/etc/ssl/certs /out/rootfs/srv/blog /out/rootfs/etc/blog \\');
    expect(df).toContain('    && cp -R templates /out/rootfs/srv/blog/templates \\');
    expect(df).toContain('    && chmod -R a-w,a+rX /out/rootfs/srv/blog/templates \\');
    expect(df).toContain('    && cp -R config/app.json /out/rootfs/etc/blog/app.json \\');
    expect(df).toContain('WORKDIR /srv/blog');
    expect(project.defaultService.runtimeFiles).toEqual([
      { source: 'templates', destination: '/srv/blog/templates' },
      { source: 'config/app.json', destination: '/etc/blog/app.json' },
    ]);
  });

  test('version variables in another package are stamped with -X', () => {
    const project = newProject({ versionVariables: { version: 'example.com/hello/internal/version.Version', date: 'example.com/hello/internal/version.BuildDate' } });
    const files = synth(project);
    expect(files.Dockerfile).toContain('-ldflags "-s -w -X example.com/hello/internal/version.Version=${VERSION} -X main.commit=${COMMIT} -X example.com/hello/internal/version.BuildDate=${DATE}"');
    expect(files.Makefile).toContain('-ldflags "-s -w -X example.com/hello/internal/version.Version=$(VERSION) -X main.commit=$(COMMIT) -X example.com/hello/internal/version.BuildDate=$(DATE)"');
  });

  test('a command that is not a server: an image and make targets, no port, no health check, no compose service', () => {
    const project = newProject();
    const migrate = new GoService(project, 'migrate', { server: false, args: ['up'] });
    new PostgresDatabase(project);
    expect([migrate.port, migrate.healthProbe, migrate.environment]).toEqual([undefined, undefined, {}]);
    const files = synth(project);
    const stage = files.Dockerfile.split('\nFROM scratch AS migrate\n')[1].split('\n\n')[0];
    expect(stage).not.toMatch(/EXPOSE|HEALTHCHECK|ENV PORT/);
    expect(stage).toContain('ENTRYPOINT ["/usr/local/bin/migrate"]\nCMD ["up"]');
    expect(Object.keys(YAML.parse(files['docker-compose.yml']).services)).toEqual(['hello', 'postgres', 'postgres-migrate']);
    expect(files.Makefile).toContain('\n.PHONY: run-migrate\nrun-migrate: build-migrate\n\t./bin/migrate up\n');
    expect(files.Makefile).toMatch(/\ndocker-run-migrate: docker-build-migrate\n\t\$\(DOCKER\) run --rm --read-only/);
  });
});

describe('health checks', () => {
  test('the default: the service\'s own healthcheck mode, exec form', () => {
    const probe = newProject().defaultService.healthProbe!;
    expect(probe.command).toEqual(['/usr/local/bin/hello', 'healthcheck']);
  });

  test('http and tcp run a static probe built from the standard library in its own stage, copied into the image root', () => {
    const project = newProject({ healthCheck: HealthCheck.http({ path: '/readyz', interval: '10s' }) });
    new GoService(project, 'worker', { port: 9090, healthCheck: HealthCheck.tcp({ retries: 5 }) });
    new GoService(project, 'cli', { server: false });
    const files = synth(project);
    const df: string = files.Dockerfile;
    expect(validate(df)).toEqual([]);
    expect(df).toContain('FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS healthprobe');
    expect(df.match(/ AS healthprobe/g)).toHaveLength(1);
    expect(df).toContain('RUN CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" GOARM="${TARGETVARIANT#v}" go build -trimpath -buildvcs=false -gcflags=all=-dwarf=false -ldflags "-s -w" -o healthprobe main.go');
    expect(df).toContain('HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \\\n    CMD ["/usr/local/bin/healthprobe", "http", "8080", "/readyz"]');
    expect(df).toContain('HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=5 \\\n    CMD ["/usr/local/bin/healthprobe", "tcp", "9090"]');
    // the probe is in the images that use it, not in the command's
    // (its file mounted into the build step, not copied in a step of its own; the file, not its
    // directory, so BuildKit checksums one file and not the probe stage's whole root)
    expect(df.match(/--mount=type=bind,target=\/healthprobe\/healthprobe,source=\/healthprobe\/healthprobe,from=healthprobe/g)).toHaveLength(2);
    expect(df.match(/&& cp \/healthprobe\/healthprobe \/out\/rootfs\/usr\/local\/bin\/healthprobe/g)).toHaveLength(2);
    const compose = YAML.parse(files['docker-compose.yml']).services;
    expect(compose.hello.healthcheck).toEqual({ test: ['CMD', '/usr/local/bin/healthprobe', 'http', '8080', '/readyz'], interval: '10s', timeout: '3s', retries: 3, start_period: '5s' });
    expect(compose.worker.healthcheck.test).toEqual(['CMD', '/usr/local/bin/healthprobe', 'tcp', '9090']);
  });

  test('a command check with a full path runs as given', () => {
    const project = newProject({ healthCheck: HealthCheck.command(['/usr/local/bin/hello', 'ping', '-q']) });
    expect(project.defaultService.healthProbe!.command).toEqual(['/usr/local/bin/hello', 'ping', '-q']);
  });

  test('none: no HEALTHCHECK, no compose healthcheck, no probe stage', () => {
    const files = synth(newProject({ healthCheck: HealthCheck.none() }));
    expect(files.Dockerfile).not.toMatch(/HEALTHCHECK|healthprobe/);
    expect(YAML.parse(files['docker-compose.yml']).services.hello.healthcheck).toBeUndefined();
  });
});
