import { GoService, HealthCheck, HealthCheckKind } from '../src';
import { newProject } from './util';

/** HealthCheck: one definition of how a service's health is probed (image, compose, Kubernetes). */
describe('HealthCheck', () => {
  test('GIVEN no health check THEN a server gets its binary\'s own healthcheck mode and a command gets none', () => {
    const project = newProject();
    expect(project.defaultService.healthProbe).toEqual(expect.objectContaining({ kind: HealthCheckKind.COMMAND, command: ['/usr/local/bin/hello', 'healthcheck'] }));
    expect(new GoService(project, 'migrate', { server: false }).healthProbe).toBeUndefined();
  });

  test('http and tcp probe the service\'s port, with the house timing unless told', () => {
    const project = newProject();
    const web = new GoService(project, 'web', { port: 9090, healthCheck: HealthCheck.http({ path: '/readyz' }) });
    const tcp = new GoService(project, 'tcp', { port: 9091, healthCheck: HealthCheck.tcp({ interval: '5s', retries: 5 }) });
    expect(web.healthProbe).toEqual(expect.objectContaining({ kind: HealthCheckKind.HTTP, path: '/readyz', port: 9090, interval: '10s', timeout: '3s', startPeriod: '5s', retries: 3 }));
    expect(tcp.healthProbe).toEqual(expect.objectContaining({ kind: HealthCheckKind.TCP, port: 9091, interval: '5s', retries: 5 }));
  });

  test('none means no probe at all', () => {
    expect(newProject({ healthCheck: HealthCheck.none() }).defaultService.healthProbe).toBeUndefined();
  });

  test.each([
    ['a path without a leading slash', () => HealthCheck.http({ path: 'readyz' })],
    ['a duration make no sense of', () => HealthCheck.tcp({ interval: 'often' })],
  ])('%s is refused', (_what, make) => {
    expect(() => newProject({ healthCheck: make() })).toThrow(/^hello\.healthCheck/);
  });
});
