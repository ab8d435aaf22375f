/** Where a command writes. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Where and how a command runs. */
export interface Context {
  /** The repository root (the current directory). */
  readonly cwd: string;
  readonly io: Io;
  /** The command line, for a second command's message (`projen-go-service add service worker`). */
  readonly command?: string;
}

/** An option of a command. */
export interface OptionSpec {
  /** Without the dashes: `port` for `--port`. */
  readonly name: string;
  /** flag: `--cgo`; string/number: `--port 8081`; list: `--for a b` or `--for a,b` or repeated. */
  readonly kind: 'flag' | 'string' | 'number' | 'list';
  /** The value's placeholder in the help (`<n>`). */
  readonly value?: string;
  readonly help: string;
}

/** What the parser hands a command. */
export interface Parsed {
  readonly args: string[];
  readonly options: { readonly [name: string]: string | number | boolean | string[] | undefined };
}

/** One command: its words, arguments, options, help text and what it does. */
export interface Command {
  /** The words that name it: `['add', 'service']`. */
  readonly path: string[];
  /** Its positional arguments: `<name>` is required, `[<name>]` optional. */
  readonly args: string[];
  /** One line, for the list of commands. */
  readonly summary: string;
  /** Paragraphs of its help. */
  readonly details: string[];
  readonly options: OptionSpec[];
  readonly examples: string[];
  /** Runs it; returns the exit code. Throws a CliError for anything the user must fix. */
  run(ctx: Context, parsed: Parsed): number;
}

/** `--dry-run`, which every editing command takes. */
export const DRY_RUN: OptionSpec = {
  name: 'dry-run',
  kind: 'flag',
  help: 'Print the planned change of .projenrc.ts as a unified diff, and change nothing.',
};
