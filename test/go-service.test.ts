import { GoService, RuntimeStage, TzLayer } from '../src';
import { newProject } from './util';
import { modelOf } from '../src/model/model';

/** GoService: the service's facts, resolved into the plain data the renderers read. */
describe('GoService as data', () => {
  test('GIVEN a second service WHEN resolved THEN every fact the renderers read is plain data', () => {
    const project = newProject();
    const api = new GoService(project, 'api', {
      port: 9090,
      subcommand: ['serve'],
      portArgument: '--port={port}',
      args: ['--log-format=json'],
      tz: TzLayer.embedded({ defaultZone: 'Europe/Berlin' }),
      environment: { LOG_LEVEL: 'debug' },
    });
    const m = api._toModel({ 'org.opencontainers.image.title': 'hello-api' });
    expect({
      name: m.name,
      isDefault: m.isDefault,
      isServer: m.isServer,
      port: m.port,
      command: m.command,
      environment: m.environment,
      target: m.target,
      buildStage: m.buildStage,
      debugTarget: m.debugTarget,
      imageName: m.imageName,
      imageVariable: m.imageVariable,
      binaryPath: m.binaryPath,
      user: m.user,
      tzSource: m.tzSource,
      defaultZone: m.defaultZone,
      buildTags: m.buildTags,
      imageLabels: m.imageLabels,
    }).toEqual({
      name: 'api',
      isDefault: false,
      isServer: true,
      port: 9090,
      // the subcommand first: its own flags follow it
      command: ['serve', '--port=9090', '--log-format=json'],
      environment: { PORT: '9090', TZ: 'Europe/Berlin', LOG_LEVEL: 'debug' },
      target: 'api',
      buildStage: 'build-api',
      debugTarget: 'api-debug',
      imageName: 'hello-api',
      imageVariable: 'API_IMAGE',
      binaryPath: '/usr/local/bin/api',
      user: '65532:65532',
      tzSource: 'embedded',
      defaultZone: 'Europe/Berlin',
      buildTags: ['timetzdata'],
      imageLabels: { 'org.opencontainers.image.title': 'hello-api' },
    });
    expect(m.runtime).toEqual({
      displayName: 'scratch',
      from: 'scratch',
      debugFrom: 'scratch',
      hasDebugImage: false,
      digest: undefined,
      shell: false,
      libc: 'none',
      nonroot: true,
      uid: 65532,
      gid: 65532,
      isScratch: true,
      installCommand: undefined,
    });
  });

  test('the runtime\'s image reaches the model with the project\'s mirror and pins applied', () => {
    const project = newProject({ registryMirror: 'mirror.example.com', runtime: RuntimeStage.distroless() });
    const m = project.defaultService._toModel({});
    expect([m.runtime.from, m.runtime.debugFrom, m.runtime.hasDebugImage]).toEqual([
      'mirror.example.com/gcr.io/distroless/static-debian13:nonroot', 'mirror.example.com/gcr.io/distroless/static-debian13:debug-nonroot', true,
    ]);
  });

  test('the project\'s model is frozen: a renderer cannot change a fact another one reads', () => {
    const project = newProject();
    const model = modelOf(project, () => 'no model');
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.services[0])).toBe(true);
    expect(Object.isFrozen(model.services[0].environment)).toBe(true);
    expect(() => { (model.services[0].environment as any).PORT = '1'; }).toThrow(TypeError);
  });
});

describe('portVariableValue', () => {
  test('GIVEN a variable that holds a listen address THEN the image, compose and make run give it the address', () => {
    const project = newProject({ port: 9121, portVariable: 'LISTEN_ADDRESS', portVariableValue: ':{port}' });
    const m = project.defaultService._toModel({});
    expect(m.environment).toEqual({ LISTEN_ADDRESS: ':9121' });
  });

  test('a value without {port} is refused', () => {
    expect(() => newProject({ portVariableValue: ':8080' })).toThrow('hello.portVariableValue: ":8080" is not one value with {port} in it once. Write the value as the binary reads it, such as "{port}" or ":{port}".');
  });
});
