import { FileBase, IResolver, Project } from 'projen';
import { ASIDE_DIR, SECRETS_DIR } from '../model/constants';

/** The generated Dockerfile, which the generated .dockerignore is for. */
const OURS = 'Dockerfile';

/**
 * `<Dockerfile>.dockerignore` for a Dockerfile of your own (`build/Dockerfile.dev.dockerignore`):
 * BuildKit reads it instead of `.dockerignore` when it builds that Dockerfile, so the generated
 * .dockerignore (an allow-list for the generated Dockerfile) does not break your other builds. It
 * holds your rules (none: everything is in the context), and keeps out the compose secret files and
 * the files adopt moved aside.
 *
 * Needs BuildKit (Docker 19.03+ with DOCKER_BUILDKIT=1, which the generated Makefile exports; the
 * default from Docker 23; Compose v2; docker-compose 1.28+ through the docker CLI). The classic
 * builder reads `.dockerignore`.
 *
 * @see https://docs.docker.com/build/concepts/context/#filename-and-location
 */
export class DockerfileIgnore extends FileBase {
  /** The Dockerfile this ignore file is for, relative to the repository. */
  public readonly dockerfile: string;
  private readonly patterns: string[];

  constructor(project: Project, dockerfile: string, patterns: string[]) {
    if (typeof dockerfile !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(dockerfile) || dockerfile.split('/').some((e) => e === '..' || e === '.') || dockerfile.endsWith('/')) {
      throw new Error(`dockerfileIgnores: ${JSON.stringify(dockerfile)} is not a Dockerfile path inside the repository. Use a relative path such as "build/Dockerfile.dev".`);
    }
    if (dockerfile === OURS) {
      throw new Error(`dockerfileIgnores: ${OURS} is the generated Dockerfile, whose build context the generated .dockerignore keeps. Give an ignore file only to Dockerfiles of your own, such as "build/Dockerfile.dev".`);
    }
    if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string' || /[\r\n]/.test(p))) {
      throw new Error(`dockerfileIgnores: the rules for ${dockerfile} are not a list of one-line patterns. Give each pattern as its own string, such as [".git", "*.md"].`);
    }
    super(project, `${dockerfile}.dockerignore`, { readonly: true, marker: true });
    this.dockerfile = dockerfile;
    this.patterns = patterns.map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'));
  }

  protected synthesizeContent(resolver: IResolver): string | undefined {
    const lines = [
      ...(this.marker ? [`# ${this.marker}`] : []),
      `# BuildKit reads this file, not .dockerignore, when it builds ${this.dockerfile}.`,
      ...(this.patterns.length ? this.patterns : ['# (no rules of your own: everything is in the build context)']),
      '# never in a build context: the compose secret files, the files adopt moved aside',
      `${SECRETS_DIR}/`,
      `${ASIDE_DIR}/`,
    ];
    return `${resolver.resolve(lines).join('\n')}\n`;
  }
}
