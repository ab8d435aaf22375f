import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { dockerfileRunsBinary, readDockerfileFacts, readGoreleaserFacts, withBuildFacts } from '../../../src/cli/adopt/repo-dockerfile';
import { ProjenrcEditor } from '../../../src/cli/projenrc-editor';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'repos', 'team-setup');

function repo(files: { [path: string]: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'repo-dockerfile-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

describe('readDockerfileFacts', () => {
  test('the go build line, and the final stage: files copied from the repository, ENV, WORKDIR, arguments, HEALTHCHECK', () => {
    // GIVEN the team-setup fixture's Dockerfile (continuations, a comment inside the RUN, two stages)
    // WHEN its facts are read for the package the image runs
    const facts = readDockerfileFacts(FIXTURE, './cmd/relay', { portVariable: 'PORT' });
    // THEN
    expect(facts.get('./cmd/relay')).toEqual({
      buildTags: ['netgo', 'osusergo'],
      ldflags: ['-X example.com/relay/internal/build.Edition=enterprise'],
      versionVariables: { version: 'example.com/relay/internal/build.Tag', commit: 'example.com/relay/internal/build.GitSHA' },
      files: { templates: 'templates', migrations: 'db/migrations' },
      environment: {},
      imageEnvironment: { RELAY_MODE: 'production' },
      workdir: '/srv',
      args: ['-greeting', 'hi'],
      healthCheck: { kind: 'http', path: '/livez', port: 8090 },
      skipped: [],
    });
  });

  test('the port flag is left to portArgument; a HEALTHCHECK that runs the binary becomes its arguments; what cannot be carried is said', () => {
    const dir = repo({
      'conf/app.yaml': 'a: 1\n',
      'Dockerfile': [
        'FROM golang AS b', 'RUN go build -o /x -ldflags="-extldflags -static -X main.Version=$V -X main.feature=${F}" .',
        'FROM scratch', 'COPY --from=b /x /srv/api', 'COPY conf/app.yaml /etc/api/', 'COPY *.json /etc/', 'ENV LOG=debug URL=$BASE/x',
        'HEALTHCHECK CMD ["/srv/api", "healthcheck", "-timeout=2s"]', 'ENTRYPOINT ["/srv/api", "-listen", ":9000", "-v"]',
      ].join('\n'),
    });
    expect(readDockerfileFacts(dir, '.', { portArgument: '-listen={port}' }).get('.')).toEqual({
      buildTags: [],
      ldflags: [],
      versionVariables: { version: 'main.Version' },
      files: { 'conf/app.yaml': '/etc/api/app.yaml' },
      environment: {},
      imageEnvironment: { LOG: 'debug' },
      workdir: undefined,
      args: ['-v'],
      healthCheck: { kind: 'command', argv: ['healthcheck', '-timeout=2s'] },
      skipped: ['ldflags -extldflags', 'ldflags -static', '-X main.feature=${F}', 'ENV URL', 'COPY *.json'],
    });
  });

  test('a directory merged into the image\'s root is not carried over (the image\'s own files are there): said instead', () => {
    const dir = repo({
      'docker/common/defaults/settings.json': '{}\n',
      'etc/app.toml': 'a = 1\n',
      'Dockerfile': 'FROM scratch\nCOPY docker/common/ /\nCOPY etc/app.toml /etc/app/\nENTRYPOINT ["/app"]\n',
    });
    const facts = readDockerfileFacts(dir, '.', {}).get('.')!;
    expect(facts.files).toEqual({ 'etc/app.toml': '/etc/app/app.toml' });
    expect(facts.skipped).toEqual(["COPY docker/common/ / (into the image's root)"]);
  });

  test('the binary behind an init wrapper gets the arguments; a script in front of it is not the binary', () => {
    const facts = (entrypoint: string) => readDockerfileFacts(repo({
      Dockerfile: `FROM golang AS b\nRUN go build -o /out/api ./cmd/api\nFROM scratch\nENTRYPOINT ${entrypoint}\nCMD ["-v"]\n`,
    }), './cmd/api').get('./cmd/api');
    expect(facts('["/sbin/tini", "--", "/usr/bin/api"]')?.args).toEqual(['-v']);
    expect(facts('["/docker-entrypoint.sh", "/usr/bin/api"]')).toEqual(expect.objectContaining({ args: [], skipped: ['CMD /docker-entrypoint.sh /usr/bin/api -v'] }));
  });

  test('a Dockerfile that copies a binary built outside it: the binary its ENTRYPOINT runs names the package, whose run is carried', () => {
    // GIVEN a release Dockerfile in the promu style: no go build line, the binary from .build/, a config, CMD arguments
    const dir = repo({
      'examples/relayd.yml': 'listen: :7070\n',
      'Dockerfile': [
        'ARG ARCH="amd64"', 'FROM scratch', 'COPY .build/linux-${ARCH}/relayd /bin/relayd', 'COPY examples/relayd.yml /etc/relayd/relayd.yml',
        'WORKDIR /relayd', 'ENTRYPOINT [ "/bin/relayd" ]', 'CMD [ "--config.file=/etc/relayd/relayd.yml", \\', '      "--storage.path=/relayd" ]',
      ].join('\n'),
    });
    // WHEN the binary it runs is asked, and the facts read for that binary's package
    expect(dockerfileRunsBinary(dir)).toBe('relayd');
    // THEN the config it copies and the arguments it runs with are carried over
    expect(readDockerfileFacts(dir, './cmd/relayd').get('./cmd/relayd')).toEqual(expect.objectContaining({
      files: { 'examples/relayd.yml': '/etc/relayd/relayd.yml' },
      workdir: '/relayd',
      args: ['--config.file=/etc/relayd/relayd.yml', '--storage.path=/relayd'],
    }));
  });

  test('the binary a Dockerfile runs: behind an init wrapper, from CMD alone; none for a script, a variable or no Dockerfile', () => {
    const runs = (text: string) => dockerfileRunsBinary(repo({ Dockerfile: text }));
    expect(runs('FROM scratch\nENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/api"]\n')).toBe('api');
    expect(runs('FROM golang AS b\nENTRYPOINT ["/bin/other"]\nFROM scratch\nCMD ["./worker", "-v"]\n')).toBe('worker');
    expect(runs('FROM scratch\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["api"]\n')).toBeUndefined();
    expect(runs('FROM scratch\nENTRYPOINT ["/bin/${APP}"]\n')).toBeUndefined();
    expect(runs('FROM scratch\nCOPY x /x\n')).toBeUndefined();
    expect(dockerfileRunsBinary(repo({ 'go.mod': 'module x\n' }))).toBeUndefined();
  });

  test('no Dockerfile: no facts', () => {
    expect(readDockerfileFacts(repo({ 'go.mod': 'module x\n' }), '.').size).toBe(0);
  });
});

test('readGoreleaserFacts: each build\'s ldflags stamps ({{.Version}}) and tags, by its main package', () => {
  expect([...readGoreleaserFacts(FIXTURE)]).toEqual([['./cmd/relay', {
    buildTags: ['netgo'],
    ldflags: [],
    versionVariables: { version: 'example.com/relay/internal/build.Tag', date: 'example.com/relay/internal/build.Timestamp' },
    files: {},
    environment: {},
    imageEnvironment: {},
    args: [],
    skipped: [],
  }]]);
  const dir = repo({ '.goreleaser.yml': 'builds:\n  - main: ./cmd/cli/main.go\n    flags: ["-tags=sqlite,json1"]\n' });
  expect(readGoreleaserFacts(dir).get('./cmd/cli')?.buildTags).toEqual(['sqlite', 'json1']);
});

describe('withBuildFacts', () => {
  const editor = ProjenrcEditor.parse("import { GoServiceProject } from 'projen-go-service';\nconst project = new GoServiceProject({ name: 'notes' });\nproject.synth();\n");
  const code = { runtimeFiles: [], versionVariables: {}, server: true, port: 8080, workdir: '/app' };
  const empty = { buildTags: [], ldflags: [], versionVariables: {}, files: {}, environment: {}, imageEnvironment: {}, args: [], skipped: [] };

  test('their image\'s ENV stays the image\'s (imageEnvironment), beside the listen host the code needs; their compose environment is the service\'s, less what the image already sets', () => {
    const out = withBuildFacts(editor, [], { ...empty, imageEnvironment: { NOTES_DIR: '/notes' }, environment: { NOTES_DIR: '/notes', LOG: 'debug' } }, { ...code, imageEnvironment: { NOTES_HOST: '0.0.0.0' } });
    expect(Object.fromEntries(out.options)).toEqual({ imageEnvironment: "{ NOTES_HOST: '0.0.0.0', NOTES_DIR: '/notes' }", environment: "{ LOG: 'debug' }" });
    expect(out.carried).toEqual(['imageEnvironment NOTES_DIR', 'environment LOG']);
  });

  test('the port variable in their compose environment is not carried: port sets it', () => {
    const out = withBuildFacts(editor, [], { ...empty, environment: { HTTP_PORT: '8080', PG_URL: 'postgres://db' } }, { ...code, portVariable: 'HTTP_PORT' });
    expect(Object.fromEntries(out.options)).toEqual({ environment: "{ PG_URL: 'postgres://db' }" });
  });

  test('their CMD repeating the subcommand the analyzer found is passed once', () => {
    const once = withBuildFacts(editor, [['subcommand', "['serve']"]], { ...empty, args: ['serve'] }, { ...code, subcommand: ['serve'] });
    expect(once.options).toEqual([['subcommand', "['serve']"]]);
    const more = withBuildFacts(editor, [], { ...empty, args: ['serve', '--log-level', 'info'] }, { ...code, subcommand: ['serve'] });
    expect(Object.fromEntries(more.options)).toEqual({ args: "['--log-level', 'info']" });
    // another subcommand is not the analyzer's: kept as it is
    const other = withBuildFacts(editor, [], { ...empty, args: ['worker'] }, { ...code, subcommand: ['serve'] });
    expect(Object.fromEntries(other.options)).toEqual({ args: "['worker']" });
  });
});
