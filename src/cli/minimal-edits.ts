import { Node, SourceFile, SyntaxKind, ts } from 'ts-morph';

/**
 * The smallest edits of a source file that keep everything around them byte for byte: statements
 * and comma-separated list elements (object properties, array elements, import specifiers) are
 * inserted and removed at positions taken from the syntax tree, through ts-morph's manipulation
 * API. Nothing here searches the text; each edit is placed by a node's start, end, leading comments
 * (attached: no blank line in between) and trailing same-line comments. Inserted text says `\n`;
 * ts-morph writes the file's own line ending (see ProjenrcEditor).
 */

/** Inserts a statement on the line after `after` (and after its same-line comments). */
export function insertStatementAfter(file: SourceFile, after: Node, code: string): void {
  const text = file.getFullText();
  file.insertText(endWithComments(text, after.getEnd()), `\n${indentOf(text, after.getStart())}${code}`);
}

/** Inserts a statement on its own line before `before` (and before the comments attached to it). */
export function insertStatementBefore(file: SourceFile, before: Node, code: string): void {
  const text = file.getFullText();
  const start = attachedStart(text, before);
  const lineStart = lineStartOf(text, start);
  if (isBlank(text, lineStart, start)) {
    file.insertText(lineStart, `${text.slice(lineStart, start)}${code}\n`);
  } else {
    file.insertText(start, `${code}\n`);
  }
}

/**
 * Removes a statement with its attached comments and its line; when that leaves two blank lines in a
 * row, one goes too (so adding a statement and removing it again gives the file back byte for byte).
 */
export function removeStatement(file: SourceFile, statement: Node): void {
  const text = file.getFullText();
  let start = attachedStart(text, statement);
  let end = endWithComments(text, statement.getEnd());
  const lineStart = lineStartOf(text, start);
  const lineEnd = lineEndOf(text, end);
  if (isBlank(text, lineStart, start) && isBlank(text, end, lineEnd)) {
    start = lineStart;
    end = Math.min(lineEnd + 1, text.length);
    const previousBlank = start > 0 && isBlank(text, lineStartOf(text, start - 1), start - 1);
    const nextBlank = end < text.length && isBlank(text, end, lineEndOf(text, end)) && lineEndOf(text, end) < text.length;
    if (previousBlank && nextBlank) {
      end = lineEndOf(text, end) + 1;
    }
  }
  file.removeText(start, end);
}

/**
 * Inserts `code` into a comma-separated list (`{ a, b }`, `[a, b]`, `import { a, b }`) at `index`,
 * in the list's own layout: one element per line or all on one line, with or without a trailing
 * comma.
 */
export function insertListElement(file: SourceFile, list: Node, elements: Node[], code: string, index = elements.length): void {
  const text = file.getFullText();
  if (elements.length === 0) {
    const open = list.getFirstChildOrThrow((n) => n.getKind() === SyntaxKind.OpenBraceToken || n.getKind() === SyntaxKind.OpenBracketToken);
    file.insertText(open.getEnd(), list.getKind() === SyntaxKind.ArrayLiteralExpression ? code : ` ${code} `);
    return;
  }
  if (index < elements.length) {
    const next = elements[index];
    const start = attachedStart(text, next);
    const lineStart = lineStartOf(text, start);
    if (isBlank(text, lineStart, start)) {
      file.insertText(lineStart, `${text.slice(lineStart, start)}${code},\n`);
    } else {
      file.insertText(next.getStart(), `${code}, `);
    }
    return;
  }
  const last = elements[elements.length - 1];
  const comma = commaAfter(last);
  const lineStart = lineStartOf(text, last.getStart());
  if (isBlank(text, lineStart, last.getStart())) {
    const indent = text.slice(lineStart, last.getStart());
    if (comma) {
      file.insertText(endWithComments(text, comma.getEnd()), `\n${indent}${code},`);
    } else {
      // the later position first: the earlier one stays valid (positions are read before any edit)
      const lastEnd = last.getEnd();
      file.insertText(endWithComments(text, lastEnd), `\n${indent}${code}`);
      file.insertText(lastEnd, ',');
    }
  } else if (comma) {
    file.insertText(comma.getEnd(), ` ${code},`);
  } else {
    file.insertText(last.getEnd(), `, ${code}`);
  }
}

/** Removes the element at `index` from a comma-separated list of two or more, with its comma. */
export function removeListElement(file: SourceFile, elements: Node[], index: number): void {
  if (elements.length < 2) {
    throw new Error('removeListElement needs a list of two or more');
  }
  const text = file.getFullText();
  const element = elements[index];
  const isLast = index === elements.length - 1;
  const comma = commaAfter(element);
  const start = attachedStart(text, element);
  const lineStart = lineStartOf(text, start);
  if (isBlank(text, lineStart, start)) {
    const end = endWithComments(text, (comma ?? element).getEnd());
    const lineEnd = lineEndOf(text, end);
    if (isBlank(text, end, lineEnd)) {
      // the list had no trailing comma: the new last element loses its own (read before any edit)
      const previousComma = isLast && !comma ? commaAfter(elements[index - 1]) : undefined;
      const previousCommaRange = previousComma && [previousComma.getStart(), previousComma.getEnd()] as const;
      file.removeText(lineStart, Math.min(lineEnd + 1, text.length));
      if (previousCommaRange) file.removeText(previousCommaRange[0], previousCommaRange[1]);
      return;
    }
  }
  if (!isLast) {
    file.removeText(element.getStart(), elements[index + 1].getStart());
  } else {
    file.removeText(elements[index - 1].getEnd(), element.getEnd());
  }
}

/** The comma token right after a list element, if there is one. */
function commaAfter(element: Node): Node | undefined {
  const next = element.getNextSibling();
  return next?.getKind() === SyntaxKind.CommaToken ? next : undefined;
}

/** Where a node starts, counting the comments attached to it (no blank line in between). */
function attachedStart(text: string, node: Node): number {
  let start = node.getStart();
  const comments = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  for (const c of [...comments].reverse()) {
    const between = text.slice(c.end, start);
    if ((between.match(/\n/g) ?? []).length > 1) break;
    start = c.pos;
  }
  return start;
}

/** The end of a position's same-line trailing comments (or the position itself). */
function endWithComments(text: string, pos: number): number {
  const comments = ts.getTrailingCommentRanges(text, pos) ?? [];
  return comments.length > 0 ? comments[comments.length - 1].end : pos;
}

function lineStartOf(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function lineEndOf(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  return i < 0 ? text.length : i;
}

function indentOf(text: string, pos: number): string {
  const lineStart = lineStartOf(text, pos);
  return isBlank(text, lineStart, pos) ? text.slice(lineStart, pos) : '';
}

function isBlank(text: string, from: number, to: number): boolean {
  return text.slice(from, to).trim() === '';
}
