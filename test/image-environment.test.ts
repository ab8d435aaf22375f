import { newProject, synth } from './util';

/** The lines of the final image stage (the default target) of a Dockerfile. */
function finalStage(dockerfile: string): string[] {
  const stages = dockerfile.split(/\n(?=FROM )/);
  return stages[stages.length - 1].split('\n');
}

describe('imageEnvironment: what the image itself sets', () => {
  test('each variable is an ENV of the image (and its debug image), after the port variable', () => {
    const out = synth(newProject({ port: 8090, portVariable: 'APP_PORT', imageEnvironment: { APP_HOST: '0.0.0.0', APP_DATA: '/var/lib/app' }, dataDirectories: ['/var/lib/app'] }));
    const image = finalStage(out.Dockerfile);
    const port = image.indexOf('ENV APP_PORT=8090');
    expect(port).toBeGreaterThan(0);
    expect(image.indexOf('ENV APP_HOST=0.0.0.0')).toBe(port + 1);
    expect(image.indexOf('ENV APP_DATA=/var/lib/app')).toBe(port + 2);
    expect(out.Dockerfile.match(/^ENV APP_HOST=0\.0\.0\.0$/gm)).toHaveLength(2);
  });

  test('compose and make run do not restate it: the image carries it', () => {
    const out = synth(newProject({ imageEnvironment: { APP_HOST: '0.0.0.0' }, environment: { LOG_LEVEL: 'debug' } }));
    expect(JSON.stringify(out['docker-compose.yml'])).not.toContain('APP_HOST');
    expect(JSON.stringify(out['docker-compose.yml'])).toContain('LOG_LEVEL');
    expect(out.Makefile).not.toContain('APP_HOST');
  });

  test('a value with spaces is quoted', () => {
    const out = synth(newProject({ imageEnvironment: { GREETING: 'hello there' } }));
    expect(out.Dockerfile).toContain('ENV GREETING="hello there"');
  });

  test.each([
    [{ 'NOT-A-NAME': 'x' }, /imageEnvironment: "NOT-A-NAME" is not an environment variable name/],
    [{ PORT: '9000' }, /imageEnvironment: PORT is set from the port option.*Set port instead/],
    [{ PATH: '/bin' }, /imageEnvironment: PATH is set by the image itself/],
    [{ TZ: 'UTC' }, /imageEnvironment: TZ is set by the image itself.*Set tz instead/],
    [{ A: 'one\ntwo' }, /the value of A spans lines/],
    [{ A: '$HOME/x' }, /the value of A holds \$, which the Dockerfile's ENV would expand/],
  ])('refused: %j', (env, message) => {
    expect(() => newProject({ imageEnvironment: env as any })).toThrow(message);
  });
});
