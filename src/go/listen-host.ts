import { AnalyzedListen, AnalyzedMain } from './analyzer';

/** 127.0.0.0/8, localhost, ::1: an address nothing outside a container reaches. */
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|localhost|::1)$/i;

/**
 * How a server whose default address is loopback (`127.0.0.1:4180`, `localhost:8080`) is made to
 * listen on every interface in its image: in a container, a loopback address answers only the
 * container itself (its health probe too), never a published port.
 */
export interface ListenHost {
  /** Variables that set the host (`FB_ADDRESS=0.0.0.0`). */
  readonly environment: { [name: string]: string };
  /** Arguments that set the host, when it has a flag and no variable (`--address=0.0.0.0`). */
  readonly args: string[];
  /** What adopt says of it. */
  readonly fact: string;
}

/** The host of an address (`127.0.0.1` of `127.0.0.1:4180`, `::1` of `[::1]:80`, of `http://localhost:80`), if it has one. */
export function hostOf(address: string): string | undefined {
  const a = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  const v6 = /^\[([^\]]*)\](?::\d*)?$/.exec(a);
  if (v6) return v6[1];
  const i = a.lastIndexOf(':');
  const host = i < 0 ? a : a.slice(0, i);
  return host || undefined;
}

/** Whether an address (or a bare host) is loopback only. */
export function isLoopback(address: string): boolean {
  const host = LOOPBACK.test(address) ? address : hostOf(address);
  return host !== undefined && LOOPBACK.test(host);
}

/**
 * For the listen the image's port goes to: undefined when its default address is not loopback, or
 * when the value the image sets for the port replaces the whole address (`OAUTH2_PROXY_HTTP_ADDRESS=:4180`);
 * else the variable or flag of the program that sets its host (a flag or variable named in the
 * address's expression whose default is loopback), or, when its code has none, a fact that says
 * nothing outside can reach it.
 */
export function listenHost(a: AnalyzedMain, listen: AnalyzedListen, portValue: string | undefined): ListenHost | undefined {
  if (!isLoopback(listen.default)) return undefined;
  const anyHost = hostOf(listen.default) === '::1' ? '::' : '0.0.0.0';
  const where = `${listen.default}, ${listen.call} at ${listen.source}`;
  if (portValue !== undefined && /:\{port\}/.test(portValue) && !isLoopback(portValue.replace('{port}', '1'))) {
    return { environment: {}, args: [], fact: `its default address is loopback only (${where}); the image's ${portValue.replace('{port}', String(listen.port))} listens on every interface` };
  }
  // a variable of its own for the host, in the address's expression: env(FB_ADDRESS, default "127.0.0.1"),
  // or one of(env(JOT_HOST), "127.0.0.1") (os.Getenv with a fallback of the program's own)
  for (const m of listen.expr.matchAll(/env\(([A-Za-z_][A-Za-z0-9_]*), default "([^"]*)"\)|one of\(env\(([A-Za-z_][A-Za-z0-9_]*)\), "([^"]*)"\)/g)) {
    const [name, fallback] = m[1] !== undefined ? [m[1], m[2]] : [m[3], m[4]];
    if (isLoopback(fallback)) {
      return { environment: { [name]: anyHost }, args: [], fact: `its default address is loopback only (${where}): the image sets ${name}=${anyHost}, so it answers on every interface` };
    }
  }
  // a flag of its own whose default is the loopback host
  const named = (syntax: string) => new RegExp(`${syntax.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`).test(listen.expr);
  const flag = (a.flags ?? []).find((f) => isLoopback(f.default) && f.syntax && named(f.syntax));
  if (flag) {
    if (flag.env?.length) {
      return { environment: { [flag.env[0]]: anyHost }, args: [], fact: `its default address is loopback only (${where}): the image sets ${flag.env[0]}=${anyHost} (flag ${flag.syntax}), so it answers on every interface` };
    }
    return { environment: {}, args: [`${flag.syntax}=${anyHost}`], fact: `its default address is loopback only (${where}): the image passes ${flag.syntax}=${anyHost}, so it answers on every interface` };
  }
  return {
    environment: {},
    args: [],
    fact: `WARNING: it listens on ${hostOf(listen.default)} only (${where}), and its code names no flag or variable for the address: in a container nothing outside it can reach it (the health probe, inside, still passes). Make it listen on every interface (":${listen.port}")`,
  };
}
