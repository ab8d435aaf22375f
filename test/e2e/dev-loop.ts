import { ChildProcess, spawn, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import { dirname, join } from 'path';
import { DOCKER, freePort, hostNetworkBuilds, newRepo, REAL_BUILDX, removeRepo, run } from './fixtures';

/**
 * The inner loop of issue 24, measured: `make dev`'s running stack against the local limit of the same
 * change. One module for the two places that use it: test/e2e/inner-loop.test.ts (what is served, that
 * a template needs no rebuild, that Ctrl-C takes the stack down; it logs figures and asserts no
 * timing) and benchmarks/dev-loop.ts (the `dev` row of `npm run bench`: the figures, against the goal).
 */

/** The service of the inner-loop repository. */
export const SERVICE = 'shop';

/** Compose v2 as `make dev` runs it: the plugin that scripts/docker-plugins builds. */
export const COMPOSE = `${DOCKER} compose`;

/**
 * Why `make dev` cannot be measured here, or undefined when it can: it needs Compose v2 with watch
 * mode, and the buildx it builds with (both built by scripts/docker-plugins).
 */
export function composeWatchMissing(): string | undefined {
  if (!existsSync(REAL_BUILDX)) return `buildx is not installed at ${REAL_BUILDX}: run scripts/docker-plugins`;
  const help = spawnSync(DOCKER, ['compose', 'up', '--help'], { encoding: 'utf-8' });
  if (help.status !== 0) return 'Compose v2 (docker compose) is not installed: run scripts/docker-plugins';
  if (!help.stdout.includes('--watch')) return 'this Compose v2 has no watch mode: run scripts/docker-plugins (it builds one that has)';
  return undefined;
}

/** A handler that serves a template read once at start, behind a word the loop edits (`w0 `, `w1 `, ...). */
export const PAGE_GO = `package main

import (
	"net/http"
	"os"
)

func init() {
	page, err := os.ReadFile("templates/page.txt")
	routes = append(routes, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /page", func(w http.ResponseWriter, _ *http.Request) {
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			_, _ = w.Write(append([]byte("w0 "), page...))
		})
	})
}
`;

const HANDLER = join('cmd', SERVICE, 'page.go');
const TEMPLATE = join('templates', 'page.txt');

/** A repository from `projen new` + `add postgres` (its first migration) + the page handler and its template. */
export interface InnerLoopRepo {
  readonly dir: string;
  /** The port the service publishes. */
  readonly port: number;
  /** The environment of make and compose: the compose project name, and this engine's DOCKER_CONFIG. */
  readonly env: { [name: string]: string };
  /** What `add postgres` said. */
  readonly addOutput: string;
}

/**
 * `projen new` + `set port` + `add postgres` (migrations on: the first one creates `greetings`) +
 * pgx in go.mod (so the sample's GET /greetings is written) + a run-time directory the service reads
 * (`templates`, restarted without a rebuild under `make dev`) and a handler that serves it.
 */
export async function innerLoopRepo(composeProject: string): Promise<InnerLoopRepo> {
  const dir = newRepo(SERVICE);
  const port = await freePort();
  run('npx', ['projen-go-service', 'set', 'port', String(port)], { cwd: dir });
  const addOutput = run('npx', ['projen-go-service', 'add', 'postgres'], { cwd: dir }).stdout;
  // the sample handler's driver, as add postgres says (through the machine's Go module proxy): then npx projen writes the handler
  run('go', ['get', 'github.com/jackc/pgx/v5/stdlib@v5.9.2'], { cwd: dir });
  run('npx', ['projen'], { cwd: dir });
  const rc = join(dir, '.projenrc.ts');
  writeFileSync(rc, readFileSync(rc, 'utf-8').replace(`name: "${SERVICE}",`, `name: "${SERVICE}",\n  workdir: "/app",\n  files: { templates: "templates" },`));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, TEMPLATE), 'page v1\n');
  writeFileSync(join(dir, HANDLER), PAGE_GO);
  run('go', ['mod', 'tidy'], { cwd: dir });
  run('npx', ['projen'], { cwd: dir });
  // this engine's Compose v2 builds go through the host network (fixtures.ts)
  const env = { COMPOSE_PROJECT_NAME: composeProject, DOCKER_CONFIG: hostNetworkBuilds(dir, [SERVICE, 'postgres-migrate']) };
  return { dir, port, env, addOutput };
}

/** Takes the compose project down with its volumes, and removes the repository and its DOCKER_CONFIG. */
export function removeInnerLoopRepo(repo: InnerLoopRepo): void {
  try {
    run(DOCKER, ['compose', 'down', '-v', '--remove-orphans'], { cwd: repo.dir, env: repo.env });
  } catch {
    // already down
  }
  rmSync(repo.env.DOCKER_CONFIG, { recursive: true, force: true });
  removeRepo(repo.dir);
}

/** The page handler's word becomes `w<n> ` (a one-word change of a Go file, as a developer's edit). */
export function editHandler(dir: string, n: number): void {
  const file = join(dir, HANDLER);
  writeFileSync(file, readFileSync(file, 'utf-8').replace(/"w\d+ "/, `"w${n} "`));
}

/** The template becomes `page v<n>`. */
export function editTemplate(dir: string, n: number): void {
  writeFileSync(join(dir, TEMPLATE), `page v${n}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /page's body, or '' while nothing answers. */
async function page(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/page`, { signal: AbortSignal.timeout(5000) });
    return await res.text();
  } catch {
    return '';
  }
}

/**
 * Polls GET /page until `served` says yes; returns the time of that answer (Date.now()). Throws after
 * `ms`, or at once when `gone` says the process that should answer has ended.
 */
async function firstAnswer(
  port: number, served: (body: string) => boolean, ms: number, why: () => string, gone: () => boolean = () => false,
): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (served(await page(port))) return Date.now();
    if (gone()) throw new Error(`GET /page: what should answer has ended; ${why()}`);
    if (Date.now() > deadline) throw new Error(`GET /page did not answer as expected within ${ms / 1000} s; ${why()}`);
    await sleep(50);
  }
}

/** A line of `make dev`'s output, with the time it arrived. */
export interface DevLine {
  readonly at: number;
  readonly text: string;
}

/** Where the time of a handler edit went, in ms, read from air's messages in the service's log (undefined when a message was not seen). */
export interface HandlerPhases {
  /** From the save to air's `building...`: the file event through the bind mount, and air's delay (50 ms). */
  readonly watch?: number;
  /** From there to `running...`: the incremental `go build` in the container. */
  readonly build?: number;
  /** From there to the first answer with the new body: the old process killed, the new one started and listening. */
  readonly start?: number;
}

export interface HandlerSample {
  /** From the save to the first answer with the new body, in ms. */
  readonly ms: number;
  readonly phases: HandlerPhases;
  /** Whether the service still runs in the same container (it must: a Go change is built in the running container). */
  readonly sameContainer: boolean;
  /** Whether the container's image stayed the same (it must: no image build). */
  readonly imageUnchanged: boolean;
  /** The 1-minute load average when the answer came. */
  readonly load: number;
}

export interface TemplateSample {
  /** From the save to the first answer with the new template, in ms. */
  readonly ms: number;
  /** From the save to compose's `service(s) ... restarted` (debounce and restart), in ms. */
  readonly restarted?: number;
  /** Whether the running container's image stayed the same (it must: no rebuild for a run-time file). */
  readonly imageUnchanged: boolean;
  readonly load: number;
}

export interface LocalSample {
  /** From the save to the first answer of the locally built binary with the new body, in ms. */
  readonly ms: number;
  /** Of which `make build-<service>`, in ms. */
  readonly buildMs: number;
  readonly load: number;
}

/** `make dev` running in a repository: its output with arrival times, and the measurements on its stack. */
export class DevStack {
  /** Starts `make dev` (Compose v2, watch mode) and waits until the stack serves GET /page. */
  public static async start(repo: InnerLoopRepo, timeoutMs = 600_000): Promise<DevStack> {
    const child = spawn('make', ['dev', `COMPOSE=${COMPOSE}`, `DOCKER=${DOCKER}`], {
      cwd: repo.dir,
      env: { ...process.env, ...repo.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stack = new DevStack(repo, child);
    try {
      await firstAnswer(repo.port, (b) => b.startsWith('w'), timeoutMs, () => `make dev said:\n${stack.tail()}`, () => stack.ended);
    } catch (e) {
      await stack.stop();
      throw e;
    }
    return stack;
  }

  public readonly lines: DevLine[] = [];
  /** The save of the last edit (Date.now()) and make dev's output from then until it was served. */
  public lastEdit: { saved: number; lines: DevLine[] } = { saved: 0, lines: [] };
  /** How make ended: its exit code, or the signal that ended it. */
  public readonly exited: Promise<string>;
  private partial = '';

  private constructor(public readonly repo: InnerLoopRepo, private readonly child: ChildProcess) {
    const take = (d: Buffer) => {
      const at = Date.now();
      const text = this.partial + d.toString();
      const parts = text.split('\n');
      this.partial = parts.pop()!;
      for (const p of parts) this.lines.push({ at, text: p });
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? String(code))));
  }

  /** Whether make dev has ended. */
  public get ended(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The last lines of make dev's output. */
  public tail(n = 40): string {
    return this.lines.slice(-n).map((l) => l.text).join('\n');
  }

  /** The output so far. */
  public get log(): string {
    return this.lines.map((l) => l.text).join('\n');
  }

  /** The running service's container. */
  public containerId(): string {
    return run(DOCKER, ['compose', 'ps', '-q', SERVICE], { cwd: this.repo.dir, env: this.repo.env }).stdout.trim();
  }

  /** The image of the running service's container: the same after a restart, another after a rebuild. */
  public imageId(): string {
    return run(DOCKER, ['inspect', '-f', '{{.Image}}', this.containerId()], { env: this.repo.env }).stdout.trim();
  }

  /** (a) The handler's word becomes `w<n> `: from the save to the first answer with it, from the running stack. */
  public async handlerEdit(n: number, timeoutMs = 300_000): Promise<HandlerSample> {
    const container = this.containerId();
    const before = this.imageId();
    const mark = this.lines.length;
    const saved = Date.now();
    editHandler(this.repo.dir, n);
    const served = await firstAnswer(this.repo.port, (b) => b.startsWith(`w${n} `), timeoutMs, () => `make dev said:\n${this.tail()}`, () => this.ended);
    this.lastEdit = { saved, lines: this.lines.slice(mark) };
    // air's messages with the time the engine took each line from the container (compose's stream may batch them)
    // (air writes them to standard error)
    const logged = spawnSync(DOCKER, ['logs', '-t', '--since', new Date(saved - 1000).toISOString(), container], { encoding: 'utf-8', env: { ...process.env, ...this.repo.env } });
    const at = (word: string, after: number) => {
      for (const line of `${logged.stdout}\n${logged.stderr}`.split('\n')) {
        // air colours its messages
        const m = /^(\S+) (.*)$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
        const t = m ? Date.parse(m[1]) : NaN;
        if (m && m[2].trim().endsWith(word) && t >= after) return t;
      }
      return undefined;
    };
    const building = at('building...', saved);
    // the start of the binary that build made (a build begun before the save may still end after it)
    const running = building === undefined ? undefined : at('running...', building);
    return {
      ms: served - saved,
      phases: {
        watch: building === undefined ? undefined : building - saved,
        build: building === undefined || running === undefined ? undefined : running - building,
        start: running === undefined ? undefined : served - running,
      },
      sameContainer: this.containerId() === container,
      imageUnchanged: this.imageId() === before,
      load: loadavg()[0],
    };
  }

  /** (c) The template becomes `page v<n>`: from the save to the first answer with it, and whether the image stayed. */
  public async templateEdit(n: number, timeoutMs = 120_000): Promise<TemplateSample> {
    const before = this.imageId();
    const mark = this.lines.length;
    const saved = Date.now();
    editTemplate(this.repo.dir, n);
    const served = await firstAnswer(this.repo.port, (b) => b.endsWith(` page v${n}\n`), timeoutMs, () => `make dev said:\n${this.tail()}`, () => this.ended);
    this.lastEdit = { saved, lines: this.lines.slice(mark) };
    const restarted = this.lastEdit.lines.find((l) => /service\(s\) .* restarted/.test(l.text))?.at;
    return {
      ms: served - saved,
      restarted: restarted === undefined ? undefined : restarted - saved,
      imageUnchanged: this.imageId() === before,
      load: loadavg()[0],
    };
  }

  /** Ctrl-C: make stops compose and takes the stack down; resolves with how make ended. */
  public async stop(): Promise<string> {
    if (!this.ended) process.kill(-this.child.pid!, 'SIGINT');
    return this.exited;
  }
}

/**
 * A copy of the repository beside it, for the local limit while `make dev` runs (an edit in the
 * repository itself would make compose rebuild), with its binary built once (the Go build cache warm).
 */
export function localCopy(repo: InnerLoopRepo): string {
  const dir = join(dirname(repo.dir), `${SERVICE}-local`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(repo.dir, dir, { recursive: true, verbatimSymlinks: true });
  run('make', [`build-${SERVICE}`], { cwd: dir });
  return dir;
}

/**
 * (b) The local limit of the same change: the handler's word becomes `w<n> ` in `dir`, then `make
 * build-<service>`, the binary started, and its first answer with the new body.
 */
export async function localLimit(dir: string, n: number): Promise<LocalSample> {
  const port = await freePort();
  const saved = Date.now();
  editHandler(dir, n);
  const buildMs = run('make', [`build-${SERVICE}`], { cwd: dir }).ms;
  const child = spawn(join(dir, 'bin', SERVICE), [], { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const served = await firstAnswer(port, (b) => b.startsWith(`w${n} `), 30_000, () => 'the locally built binary did not answer', () => child.exitCode !== null || child.signalCode !== null);
    return { ms: served - saved, buildMs, load: loadavg()[0] };
  } finally {
    child.kill();
    await exited;
  }
}
