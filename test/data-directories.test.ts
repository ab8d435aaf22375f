import * as YAML from 'yaml';
import { GoService, RuntimeStage } from '../src';
import { newProject, synth } from './util';

describe('dataDirectories: where a service writes, on a read-only image', () => {
  test('one option reaches the image, compose, make docker-run and Kubernetes', () => {
    // GIVEN a service that writes ./data under its workdir and /var/cache/app
    const project = newProject({ kubernetes: true, workdir: '/app', dataDirectories: ['data', '/var/cache/app'] });
    // WHEN the repository is synthesized
    const files = synth(project);
    // THEN the image creates both, owned by the service's user
    const dockerfile: string = files.Dockerfile;
    expect(dockerfile).toContain('chown 65532:65532 /out/rootfs/app/data /out/rootfs/var/cache/app');
    // compose mounts a named volume on each, and declares them
    const compose = YAML.parse(files['docker-compose.yml']);
    expect(compose.services.hello.volumes).toEqual(['hello-data:/app/data', 'hello-app:/var/cache/app']);
    expect(compose.volumes).toEqual({ 'hello-data': {}, 'hello-app': {} });
    expect(compose.services.hello.read_only).toBe(true);
    // make docker-run mounts the same volumes
    expect(files.Makefile).toContain('-v hello-data:/app/data -v hello-app:/var/cache/app');
    // Kubernetes mounts an emptyDir on each
    const objects = YAML.parseAllDocuments(files['k8s/services/hello.yaml']).map((d) => d.toJS());
    const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      expect.objectContaining({ mountPath: '/app/data', name: 'hello-data' }),
      expect.objectContaining({ mountPath: '/var/cache/app', name: 'hello-app' }),
    ]));
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'hello-data', emptyDir: {} }, { name: 'hello-app', emptyDir: {} }]));
  });

  test('a root service owns its directories as root', () => {
    const project = newProject({ runtime: RuntimeStage.distroless({ nonroot: false }), dataDirectories: ['/data'] });
    expect(synth(project).Dockerfile).toContain('chown 0:0 /out/rootfs/data');
  });

  test.each([
    [['data'], {}, 'hello.dataDirectories: data is relative, and the service has no workdir. Set workdir (such as "/app"), or give an absolute path such as "/data".'],
    [['../up'], { workdir: '/app' }, 'hello.dataDirectories: "../up" is not a directory path. Use an absolute path such as "/data", or one relative to workdir such as "data".'],
    [['/usr/local/bin'], {}, 'hello.dataDirectories: /usr/local/bin holds the binary or what the image needs, and a volume there would hide it. Use a directory of its own, such as "/data".'],
    [['/a/data', '/b/data'], {}, 'hello.dataDirectories: two data directories end in the same name, and would share the volume hello-data. Give each its own last path element.'],
  ])('%j (%j) is refused', (dirs, more, message) => {
    expect(() => newProject({ ...more, dataDirectories: dirs })).toThrow(message);
  });

  test('files the image puts in a data directory are warned of: a volume there hides them', () => {
    // GIVEN a workdir that is also the data directory, with files carried into it (Prometheus' image, adopted)
    const warnings = (options: any) => {
      const project = newProject(options);
      const told: string[] = [];
      const warn = project.logger.warn.bind(project.logger);
      project.logger.warn = (...args: any[]) => {
        told.push(args.join(' '));
        warn(...args);
      };
      synth(project);
      return told.filter((w) => w.includes('dataDirectories'));
    };
    // THEN the synthesis says which files, where, and the fix
    expect(warnings({ workdir: '/prometheus', dataDirectories: ['.'], files: { 'web': 'web', 'config/app.yml': '/etc/app.yml' } })).toEqual([
      expect.stringContaining('hello.dataDirectories: /prometheus is a data directory and the image puts web (/prometheus/web) in it: a volume there hides them (on Kubernetes an empty emptyDir is mounted over it;'),
    ]);
    // and nothing when the files are beside it
    expect(warnings({ workdir: '/app', dataDirectories: ['data'], files: { templates: 'templates' } })).toEqual([]);
  });

  test('a second service gets volumes of its own name', () => {
    const project = newProject();
    new GoService(project, 'worker', { port: 9090, dataDirectories: ['/data'] });
    expect(YAML.parse(synth(project)['docker-compose.yml']).services.worker.volumes).toEqual(['worker-data:/data']);
  });
});
