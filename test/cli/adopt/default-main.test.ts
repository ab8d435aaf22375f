import { defaultMain } from '../../../src/cli/adopt/default-main';
import { MainPackage } from '../../../src/go/go-repo';

function main(path: string, server: boolean): MainPackage {
  return { path, dirName: path.split('/').pop()!, server, runtimeFiles: [], dataDirectories: [], args: [], versionVariables: {}, facts: [], cgoPackages: [], cxx: false };
}

describe('the default service: the main a Go user would call the project', () => {
  test('the project\'s daemon (<name>d) before a development tool that listens too, which comes first in path order', () => {
    const mains = [main('./cmd/notes-storybook', true), main('./cmd/notesd', true), main('./cmd/notes-cli', false)];
    expect(defaultMain(mains, 'notes')).toEqual({ main: mains[1], why: "the server named as the project's daemon" });
  });

  test.each([
    ['notes-server', "the server named as the project's server"],
    ['notesserver', "the server named as the project's server"],
    ['notes-daemon', "the server named as the project's daemon"],
  ])('%s is the project\'s server too', (dir, why) => {
    const mains = [main('./cmd/admin-ui', true), main(`./cmd/${dir}`, true)];
    expect(defaultMain(mains, 'notes')).toEqual({ main: mains[1], why });
  });

  test('a server named as the project wins over its daemon; the Dockerfile\'s package over both', () => {
    const mains = [main('./cmd/notes', true), main('./cmd/notesd', true), main('./cmd/tool', true)];
    expect(defaultMain(mains, 'notes').main).toBe(mains[0]);
    expect(defaultMain(mains, 'notes', './cmd/tool')).toEqual({ main: mains[2], why: 'the package your Dockerfile builds' });
  });

  test('a command named <name>d is no server: the first server comes before it; without servers, the command named as the project', () => {
    const mains = [main('./cmd/a-ui', true), main('./cmd/b-api', true), main('./cmd/notesd', false)];
    expect(defaultMain(mains, 'notes')).toEqual({ main: mains[0], why: 'the first server in path order (none is named as the project)' });
    expect(defaultMain([mains[0], mains[2]], 'notes').why).toBe('the only server');
    const commands = [main('./cmd/gen', false), main('./cmd/notes', false)];
    expect(defaultMain(commands, 'notes').main).toBe(commands[1]);
    expect(defaultMain([main('./cmd/gen', false)], 'notes').why).toBe('the first main in path order (none listens, none is named as the project)');
  });
});
