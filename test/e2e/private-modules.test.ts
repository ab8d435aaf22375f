import { ChildProcess, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOCKER, dockerReady, freePort, newRepo, removeRepo, run, runFailing } from './fixtures';

/**
 * Issue 8, private Go modules: the org's module proxy (here a GOPROXY on loopback that wants basic
 * auth) is a default of the template, and the credentials reach the Docker build only as the BuildKit
 * secret `netrc`: never as a build arg, never in a layer.
 */
const USER = 'ci-builder';
const PASSWORD = 'proxy-pass-5f3a9c';
const withDocker = dockerReady();

/**
 * A GOPROXY that serves one directory over HTTPS (go sends .netrc credentials over HTTPS only), and
 * only with the right basic-auth credentials. Its certificate comes from the org's own CA.
 */
const PROXY_SERVER = `
const https = require('https'), fs = require('fs'), path = require('path');
const [root, port, auth, key, cert] = process.argv.slice(1);
https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
  if (req.headers.authorization !== 'Basic ' + Buffer.from(auth).toString('base64')) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="goproxy"' }); return res.end('unauthorized');
  }
  const file = path.join(root, decodeURIComponent(req.url.split('?')[0]));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); return res.end('not found'); }
  res.writeHead(200); fs.createReadStream(file).pipe(res);
}).listen(Number(port), '127.0.0.1');
`;

(withDocker ? describe : describe.skip)('private modules through an authenticated proxy, with .netrc as a BuildKit secret', () => {
  let repo: string;
  let dir: string;
  let server: ChildProcess;
  let netrc: string;
  // a version of its own per run: BuildKit's module cache mount outlives builds
  const version = `v1.0.${Date.now()}`;
  const mod = 'git.acme.example/lib/greet';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pgs-goproxy-'));
    const root = join(dir, 'proxy');
    const src = join(dir, 'src', `${mod}@${version}`);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'go.mod'), `module ${mod}\n\ngo 1.21\n`);
    writeFileSync(join(src, 'greet.go'), 'package greet\n\n// Hello greets from a private module.\nfunc Hello() string { return "hello from a private module" }\n');
    const at = join(root, mod, '@v');
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'list'), `${version}\n`);
    writeFileSync(join(at, `${version}.info`), JSON.stringify({ Version: version, Time: '2026-01-01T00:00:00Z' }));
    writeFileSync(join(at, `${version}.mod`), `module ${mod}\n\ngo 1.21\n`);
    // the module zip: every file under <module>@<version>/
    run('python3', ['-c', [
      'import sys, zipfile, os',
      'src, out, prefix = sys.argv[1:4]',
      'with zipfile.ZipFile(out, "w") as z:',
      '    for f in sorted(os.listdir(src)): z.write(os.path.join(src, f), prefix + "/" + f)',
    ].join('\n'), src, join(at, `${version}.zip`), `${mod}@${version}`]);

    // the org's CA, and the proxy's certificate for 127.0.0.1 signed by it
    const ssl = (args: string) => run('sh', ['-c', `openssl ${args}`], { cwd: dir });
    ssl('req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=acme-ca -keyout ca.key -out ca.crt 2>/dev/null');
    ssl('req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout proxy.key -out proxy.csr 2>/dev/null');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509 -req -in proxy.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out proxy.crt 2>/dev/null');
    const port = await freePort();
    server = spawn(process.execPath, ['-e', PROXY_SERVER, root, String(port), `${USER}:${PASSWORD}`, join(dir, 'proxy.key'), join(dir, 'proxy.crt')], { stdio: 'ignore' });
    netrc = join(dir, 'netrc');
    // go (1.24 and later) matches a netrc machine against the URL's host with its port
    writeFileSync(netrc, `machine 127.0.0.1:${port} login ${USER} password ${PASSWORD}\n`, { mode: 0o600 });

    repo = newRepo('hello');
    const goproxy = `https://127.0.0.1:${port}`;
    // the org's CA reaches the builder through the model's escape hatches (it is public, not a secret)
    mkdirSync(join(repo, 'certs'));
    writeFileSync(join(repo, 'certs', 'acme-ca.crt'), readFileSync(join(dir, 'ca.crt')));
    writeFileSync(join(repo, '.projenrc.ts'), [
      "import { GoServiceProject, Instruction, StagePosition } from 'projen-go-service';",
      'const project = new GoServiceProject({',
      "  name: 'hello',",
      `  goModules: { goproxy: '${goproxy}', gonosumdb: 'git.acme.example', netrc: true },`,
      '});',
      "project.dockerignore.include('certs/acme-ca.crt');",
      "project.dockerfile.addInstructions('deps', [",
      "  Instruction.copy(['certs/acme-ca.crt'], '/usr/local/share/ca-certificates/acme-ca.crt'),",
      "  Instruction.run('cat /usr/local/share/ca-certificates/acme-ca.crt >> /etc/ssl/certs/ca-certificates.crt'),",
      '], StagePosition.START);',
      'project.synth();',
      '',
    ].join('\n'));
    run('npx', ['projen'], { cwd: repo });
    // the user's code uses the private module; go get it locally with the same credentials
    const main = join(repo, 'cmd', 'hello', 'main.go');
    writeFileSync(main, readFileSync(main, 'utf-8')
      .replace('"time"\n)', `"time"\n\n\t"${mod}"\n)`)
      .replace('func port() string {', 'var greeting = greet.Hello()\n\nfunc port() string {'));
    const bundle = join(dir, 'bundle.crt');
    writeFileSync(bundle, Buffer.concat([readFileSync('/etc/ssl/certs/ca-certificates.crt'), readFileSync(join(dir, 'ca.crt'))]));
    const env = { GOPROXY: goproxy, GONOSUMDB: 'git.acme.example', GOFLAGS: '-mod=mod', NETRC: netrc, SSL_CERT_FILE: bundle, GOMODCACHE: join(dir, 'modcache') };
    run('go', ['get', `${mod}@${version}`], { cwd: repo, env });
    run('go', ['build', './...'], { cwd: repo, env });
  });

  afterAll(() => {
    server?.kill();
    removeRepo(repo);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('without the .netrc the Docker build cannot fetch the module', () => {
    const failed = runFailing('make', ['docker-build', `DOCKER=${DOCKER}`, 'NETRC=/nonexistent/.netrc', 'VERSION=nocreds'], { cwd: repo });
    expect(failed.output).toMatch(/401 Unauthorized|unauthorized/);
  });

  test('with it, the module is fetched through the secret, and the password is in no build arg, layer or history', () => {
    const dry = run('make', ['-n', 'docker-build', `DOCKER=${DOCKER}`, `NETRC=${netrc}`, 'VERSION=creds'], { cwd: repo }).stdout;
    expect(dry).toContain(`--secret id=netrc,src=${netrc}`);
    expect(dry).not.toContain(PASSWORD);
    run('make', ['docker-build', `DOCKER=${DOCKER}`, `NETRC=${netrc}`, 'VERSION=creds'], { cwd: repo });
    // the final image and the builder stage (where the modules were downloaded)
    run('make', ['-s', '--eval=b: ; $(DOCKER) build $(DOCKER_BUILD_ARGS) --target builder -t hello-builder:creds .', 'b', `DOCKER=${DOCKER}`, `NETRC=${netrc}`], { cwd: repo });
    for (const image of ['hello:creds', 'hello-builder:creds']) {
      expect(run(DOCKER, ['history', '--no-trunc', image]).stdout).not.toContain(PASSWORD);
      expect(run(DOCKER, ['image', 'inspect', image]).stdout).not.toContain(PASSWORD);
      const saved = join(dir, `${image.replace(/[:/]/g, '_')}.tar`);
      run(DOCKER, ['save', '-o', saved, image]);
      const found = run('sh', ['-c', `mkdir -p ${saved}.d && tar -xf ${saved} -C ${saved}.d && (for l in $(find ${saved}.d -name layer.tar); do tar -xOf $l 2>/dev/null; done; cat ${saved}.d/*.json) | grep -c ${PASSWORD} || true`]).stdout.trim();
      expect(found).toBe('0');
    }
  });
});
