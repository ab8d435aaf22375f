import { cpus, loadavg } from 'os';
import { log, median } from './lib';
import { composeWatchMissing, DevStack, HandlerSample, innerLoopRepo, localCopy, localLimit, LocalSample, removeInnerLoopRepo, TemplateSample } from '../test/e2e/dev-loop';

export interface DevLoopResult {
  readonly runs: number;
  /** (a) A handler edit served by `make dev`'s running stack: save → first answer with the new body. */
  readonly handler: HandlerSample[];
  /** (b) The local limit of the same change: `make build-<service>` + start + first answer. */
  readonly local: LocalSample[];
  /** (c) A template edit served by the running stack, the image unchanged. */
  readonly template: TemplateSample[];
  /** median(handler) / median(local): the goal is ≤ 2×. */
  readonly ratio: number;
  readonly measuredOn: string;
}

/** The inner loop's goal: a handler edit served by `make dev` within twice the local limit. */
export const DEV_GOAL = 2;

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Row 6: the inner loop under `make dev` (issue 24), from `projen new` + `add postgres` (its first
 * migration) + a handler and the template it serves. `runs` alternating samples each of (a) a handler
 * edit served by the running stack, (b) the local limit of the same change, measured in a copy of the
 * repository beside it (an edit in the repository itself would make compose rebuild), and (c) a template
 * edit served without an image rebuild; the load average with each sample. The measuring code is the
 * inner-loop e2e test's (test/e2e/dev-loop.ts).
 */
export async function devLoop(runs: number): Promise<DevLoopResult> {
  const missing = composeWatchMissing();
  if (missing) throw new Error(`bench dev: ${missing}`);
  const repo = await innerLoopRepo(`pgs-bench-dev-${process.pid}`);
  try {
    const copy = localCopy(repo);
    log('dev: make dev (the first build of the stack)');
    const stack = await DevStack.start(repo);
    const handler: HandlerSample[] = [];
    const local: LocalSample[] = [];
    const template: TemplateSample[] = [];
    let word = 0;
    let version = 1;
    try {
      // the stack settles (the migration done, the service healthy) before the first sample
      await settle(3000);
      for (let i = 0; i < runs; i++) {
        const order: Array<'handler' | 'local' | 'template'> = i % 2 === 0 ? ['handler', 'local', 'template'] : ['template', 'local', 'handler'];
        for (const which of order) {
          if (which === 'handler') {
            const h = await stack.handlerEdit(++word);
            if (!h.sameContainer || !h.imageUnchanged) throw new Error('bench dev: a handler edit replaced the container or rebuilt its image');
            handler.push(h);
            // what make dev said, by time since the save (air's steps among it), for the last one
            if (i === runs - 1) for (const l of stack.lastEdit.lines) log(`dev:   +${sec(l.at - stack.lastEdit.saved)} ${l.text}`);
            log(`dev run ${i + 1}/${runs} handler edit served after ${sec(h.ms)} (file event ${opt(h.phases.watch)}, go build ${opt(h.phases.build)}, restart and answer ${opt(h.phases.start)}); load average ${h.load.toFixed(1)}`);
          } else if (which === 'local') {
            const l = await localLimit(copy, ++word);
            local.push(l);
            log(`dev run ${i + 1}/${runs} local make build + start + first answer ${sec(l.ms)} (build ${sec(l.buildMs)}); load average ${l.load.toFixed(1)}`);
          } else {
            const t = await stack.templateEdit(++version);
            if (!t.imageUnchanged) throw new Error('bench dev: a template edit rebuilt the image');
            template.push(t);
            log(`dev run ${i + 1}/${runs} template edit served after ${sec(t.ms)} (restarted at ${opt(t.restarted)}), image unchanged; load average ${t.load.toFixed(1)}`);
          }
          await settle(1500);
        }
      }
    } finally {
      await stack.stop();
    }
    const ratio = median(handler.map((h) => h.ms)) / median(local.map((l) => l.ms));
    log(`dev: handler edit / local limit ${ratio.toFixed(2)}× (goal ≤ ${DEV_GOAL}×)`);
    return {
      runs,
      handler,
      local,
      template,
      ratio,
      measuredOn: `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model.trim()}, load average ${loadavg()[0].toFixed(1)} at the end`,
    };
  } finally {
    removeInnerLoopRepo(repo);
  }
}

const opt = (ms?: number) => (ms === undefined ? '?' : sec(ms));
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
