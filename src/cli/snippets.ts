import { addonClass, CodeStyle, PACKAGE, ProjenrcEditor, quote } from './projenrc-editor';

/** The Alpine release `--runtime alpine` pins. */
const ALPINE_VERSION = '3.22';

/** The `--runtime` names of `add service` and the code each writes. */
export const RUNTIMES: { readonly [name: string]: (s: CodeStyle) => string } = {
  'scratch': (s) => `${s.ref('RuntimeStage')}.scratch()`,
  'distroless': (s) => `${s.ref('RuntimeStage')}.distroless()`,
  'distroless-base': (s) => `${s.ref('RuntimeStage')}.distroless({ variant: ${s.ref('DistrolessVariant')}.BASE })`,
  'distroless-cc': (s) => `${s.ref('RuntimeStage')}.distroless({ variant: ${s.ref('DistrolessVariant')}.CC })`,
  'alpine': (s) => `${s.ref('RuntimeStage')}.alpine({ version: ${s.str(ALPINE_VERSION)} })`,
};

/** What `add service` writes. */
export interface ServiceSpec {
  readonly name: string;
  readonly port?: number;
  readonly runtime?: string;
  readonly cgo?: boolean;
  readonly mainPackage?: string;
  /** More options, as code: `['healthCheck', 'HealthCheck.tcp()']`. */
  readonly more?: Array<[string, string]>;
}

/** `new GoService(project, 'worker', { port: 8081, ... });` */
export function serviceStatement(s: CodeStyle, spec: ServiceSpec): string {
  const props: Array<[string, string]> = spec.port === undefined ? [] : [['port', String(spec.port)]];
  if (spec.runtime) props.push(['runtime', RUNTIMES[spec.runtime](s)]);
  if (spec.cgo) props.push(['cgo', 'true']);
  if (spec.mainPackage) props.push(['mainPackage', s.str(spec.mainPackage)]);
  props.push(...(spec.more ?? []));
  return `new ${s.ref('GoService')}(${s.project}, ${s.str(spec.name)}, ${objectLiteral(props)});`;
}

/** What `add <add-on>` writes. */
export interface AddonSpec {
  readonly kind: string;
  readonly name: string;
  readonly services?: string[];
}

/** `new PostgresDatabase(project, { services: ['hello'] });` (no options when there are none to give). */
export function addonStatement(s: CodeStyle, spec: AddonSpec): string {
  const props: Array<[string, string]> = [];
  if (spec.name !== spec.kind) props.push(['name', s.str(spec.name)]);
  if (spec.services && spec.services.length > 0) props.push(['services', `[${spec.services.map((x) => s.str(x)).join(', ')}]`]);
  const options = props.length > 0 ? `, ${objectLiteral(props)}` : '';
  return `new ${s.ref(addonClass(spec.kind))}(${s.project}${options});`;
}

/** `{ a: 1, b: 2 }` on one line. */
export function objectLiteral(props: Array<[string, string]>): string {
  return props.length === 0 ? '{}' : `{ ${props.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

/**
 * Code for a user to add by hand, when the file cannot be edited: plain names, single quotes, and
 * the import line for the names the file does not import yet.
 */
export class HandWrittenCode implements CodeStyle {
  /** The lines that add a statement by hand: the import of what it uses, and where it goes. */
  public static statement(editor: ProjenrcEditor, render: (s: CodeStyle) => string): string[] {
    const code = new HandWrittenCode(editor);
    return code.lines([`${render(code)}  // before ${code.project}.synth()`]);
  }

  public readonly project: string;
  private readonly imported: Set<string>;
  private readonly needed = new Set<string>();

  constructor(editor: ProjenrcEditor) {
    this.project = editor.projectVariableGuess;
    this.imported = new Set(editor.importedNames);
  }

  public ref(exportName: string): string {
    if (!this.imported.has(exportName)) this.needed.add(exportName);
    return exportName;
  }

  public str(value: string): string {
    return quote(value, "'");
  }

  /** The lines to add: the import of the names used and not imported yet, then the code. */
  public lines(code: string[]): string[] {
    const names = [...this.needed].sort();
    const importLine = names.length > 0 ? [`import { ${names.join(', ')} } from '${PACKAGE}';`] : [];
    return [...importLine, ...code];
  }
}
