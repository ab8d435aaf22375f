/**
 * A small, faithful reader of Dockerfile instructions, as BuildKit's parser reads them: parser
 * directives (`# escape=`), comments (also inside a continued instruction), line continuations with
 * the escape character, heredocs (`RUN <<EOF ... EOF`), and the JSON (exec) and shell forms of the
 * arguments. It does not evaluate anything (no ARG or ENV substitution).
 */

/** One instruction: its keyword in upper case, its arguments as written (continuations joined). */
export interface Instruction {
  readonly keyword: string;
  /** The arguments, as one line (continuations joined, comments inside dropped). */
  readonly args: string;
  /** The JSON (exec) form's elements, when the arguments are a JSON array of strings. */
  readonly json?: string[];
  /** The line it starts on, from 1. */
  readonly line: number;
}

/** A build stage: its FROM and its instructions. */
export interface Stage {
  /** The base, as written (`golang:1.26-alpine`, `scratch`, another stage's name). */
  readonly from: string;
  /** Its name (`AS build`), if it has one. */
  readonly name?: string;
  readonly instructions: Instruction[];
}

/** The instructions of a Dockerfile's text, in order. */
export function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // parser directives: `# directive=value` lines at the very top
  for (; i < lines.length; i++) {
    const d = /^\s*#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
    if (!d) break;
    if (d[1].toLowerCase() === 'escape' && (d[2] === '`' || d[2] === '\\')) escape = d[2];
  }
  const out: Instruction[] = [];
  while (i < lines.length) {
    const start = i;
    const first = lines[i++];
    if (/^\s*(#|$)/.test(first)) continue;
    let logical = first;
    // continuations: a line ending with the escape character goes on (comment and empty lines inside are skipped)
    while (endsWithEscape(logical, escape) && i < lines.length) {
      logical = logical.replace(/\s*$/, '').slice(0, -1);
      let next = lines[i++];
      while (/^\s*#/.test(next) && i < lines.length) next = lines[i++];
      logical += ` ${next.trim()}`;
    }
    const m = /^\s*(\S+)\s*(.*)$/.exec(logical);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const args = m[2].trim();
    // heredocs: their bodies are not instructions
    for (const h of args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
      const strip = h[1] === '-';
      while (i < lines.length) {
        const body = lines[i++];
        if ((strip ? body.replace(/^\t+/, '') : body) === h[3]) break;
      }
    }
    out.push({ keyword, args, json: jsonForm(args), line: start + 1 });
  }
  return out;
}

/** The stages of a Dockerfile's text (instructions before the first FROM, such as ARG, are dropped). */
export function parseStages(text: string): Stage[] {
  const stages: Array<{ from: string; name?: string; instructions: Instruction[] }> = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const words = shellWords(ins.args).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ from: words[0] ?? '', name: as >= 0 ? words[as + 1]?.toLowerCase() : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

function endsWithEscape(line: string, escape: string): boolean {
  const t = line.replace(/\s+$/, '');
  return t.endsWith(escape) && !/^\s*#/.test(line);
}

/** The elements of a JSON array of strings, if the arguments are one. */
function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The words of a shell-form argument string, as a POSIX shell splits them (quotes removed, `\`
 * escapes applied), without expanding anything. Operators (`&&`, `||`, `;`, `|`) are words of
 * their own.
 */
export function shellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      cur += s.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? s.length : end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`'.includes(s[j + 1])) j++;
        cur += s[j];
      }
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if ('&|;'.includes(c)) {
      if (inWord) words.push(cur);
      const op = (c === '&' || c === '|') && s[i + 1] === c ? c + c : c;
      words.push(op);
      i += op.length - 1;
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
