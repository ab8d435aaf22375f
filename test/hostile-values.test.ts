import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import { GoService } from '../src';
import { newProject, synth } from './util';

/**
 * Issue 22: a value of the user's (environment, args) reaches make, the shell and compose as it is:
 * `$(shell ...)` never runs when make merely reads the Makefile, `$5` does not disappear, and compose
 * does not interpolate it.
 */
describe('hostile values stay inert', () => {
  const canary = join(mkdtempSync(join(tmpdir(), 'pgs-canary-')), 'pwned');
  const values = {
    SHELL_CALL: `$(shell touch ${canary})`,
    DOLLAR_DIGIT: 'a$5b',
    DOLLAR_VAR: '$HOME and ${HOME}',
    QUOTES: "it's \"quoted\" `id`",
    SEMICOLON: 'x; touch /nonexistent/y',
  };

  test('make -n prints each value exactly as given, and runs nothing', () => {
    // GIVEN a service whose environment and arguments hold make and shell syntax
    const project = newProject({ environment: values, args: [`--x=$(shell touch ${canary})`, '$HOME'] });
    const files = synth(project);
    const dir = mkdtempSync(join(tmpdir(), 'pgs-hostile-'));
    writeFileSync(join(dir, 'Makefile'), files.Makefile);
    // WHEN make reads the Makefile and prints what run-hello and docker-run-hello would do
    const run = execFileSync('make', ['-n', 'run-hello', 'docker-run-hello', 'DOCKER=echo'], { cwd: dir, encoding: 'utf-8', env: { ...process.env, MAKEFLAGS: '' } });
    // THEN nothing ran
    expect(existsSync(canary)).toBe(false);
    // and the shell would get each value as one word, as given (the shell's own reading of the printed line)
    const line = run.split('\n').find((l) => l.includes('./bin/hello'))!;
    const words = execFileSync('sh', ['-c', `set -- ${line.replace(/^.*?\.\/bin\/hello/, './bin/hello')}; printf '%s\\n' "$@"`], { encoding: 'utf-8' }).split('\n');
    expect(words).toEqual(['./bin/hello', `--x=$(shell touch ${canary})`, '$HOME', '']);
    const env = execFileSync('sh', ['-c', `${line.replace(/\.\/bin\/hello.*$/, '')} env`], { encoding: 'utf-8' });
    for (const [k, v] of Object.entries(values)) expect(env).toContain(`${k}=${v}\n`);
    expect(existsSync(canary)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  test('compose passes each value on as it is (docker-compose config)', () => {
    const project = newProject({ environment: values });
    const dir = mkdtempSync(join(tmpdir(), 'pgs-hostile-'));
    writeFileSync(join(dir, 'docker-compose.yml'), synth(project)['docker-compose.yml']);
    // (compose refuses `$(` as an interpolation it cannot read; config prints the file form, where $$ is a $)
    const config = YAML.parse(execFileSync('docker-compose', ['config'], { cwd: dir, encoding: 'utf-8' }));
    for (const [k, v] of Object.entries(values)) expect(config.services.hello.environment[k].replace(/\$\$/g, '$')).toBe(v);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('paths and names that could not work are refused where they are given', () => {
  test.each([
    ['configFiles', { configFiles: ['config/.env'] }, 'hello.configFiles: config/.env never enters the build context (it matches **/.env: secrets, keys and environment files stay out of images), so the image build would fail without it. Give it to the container at run time instead (compose secrets, a Kubernetes Secret), or rename it if it holds no secret.'],
    ['files', { workdir: '/app', files: { 'certs/server.key': 'server.key' } }, 'hello.files: certs/server.key never enters the build context (it matches **/*.key: secrets, keys and environment files stay out of images), so the image build would fail without it. Give it to the container at run time instead (compose secrets, a Kubernetes Secret), or rename it if it holds no secret.'],
  ])('%s: %j', (_o, options, message) => {
    expect(() => newProject(options)).toThrow(message);
  });

  test('a service named "all" is refused (build-all would build one service)', () => {
    expect(() => new GoService(newProject(), 'all', { port: 9090 })).toThrow('all.name: "all" would name targets such as build-all and docker-build-all that build one service while they read as every service. Choose another name.');
  });
});
