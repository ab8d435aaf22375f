import { parseInstructions, parseStages, shellWords } from '../../../src/cli/adopt/dockerfile-parse';

describe('parseInstructions: what BuildKit reads', () => {
  test('continuations are joined, comments inside them dropped; keywords in any case', () => {
    // GIVEN a RUN continued over lines with a comment among them
    const text = ['FROM golang AS build', 'run go build \\', '  # a comment in the middle', '  -o /out/x \\', '  ./cmd/x', 'expose 80'].join('\n');
    // WHEN it is parsed
    const ins = parseInstructions(text);
    // THEN it is one instruction, with its line
    expect(ins.map((i) => [i.keyword, i.args, i.line])).toEqual([
      ['FROM', 'golang AS build', 1],
      ['RUN', 'go build  -o /out/x  ./cmd/x', 2],
      ['EXPOSE', '80', 6],
    ]);
  });

  test('the escape directive (a backtick, for Windows paths) changes the continuation character', () => {
    const ins = parseInstructions(['# escape=`', 'FROM x', 'RUN a `', '  b', 'COPY c:\\dir\\ d'].join('\n'));
    expect(ins.map((i) => i.args)).toEqual(['x', 'a  b', 'c:\\dir\\ d']);
  });

  test('heredoc bodies are not instructions', () => {
    const ins = parseInstructions(['FROM x', 'RUN <<EOF', 'EXPOSE 1', 'CMD ["no"]', 'EOF', 'CMD ["yes"]'].join('\n'));
    expect(ins.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'CMD']);
    expect(ins[2].json).toEqual(['yes']);
  });

  test('the JSON form gives its elements; a shell form, or broken JSON, gives none', () => {
    const ins = parseInstructions(['CMD ["-listen", ":80"]', 'CMD -listen :80', 'CMD [-listen]'].join('\n'));
    expect(ins.map((i) => i.json)).toEqual([['-listen', ':80'], undefined, undefined]);
  });
});

test('parseStages: FROM starts a stage, named by AS (flags skipped); what comes before the first FROM is dropped', () => {
  const stages = parseStages(['ARG V=1', 'FROM --platform=$BUILDPLATFORM golang:1.26 AS Build', 'RUN go build', 'FROM scratch', 'COPY --from=build /x /x'].join('\n'));
  expect(stages.map((s) => [s.from, s.name, s.instructions.map((i) => i.keyword)])).toEqual([
    ['golang:1.26', 'build', ['RUN']],
    ['scratch', undefined, ['COPY']],
  ]);
});

test('shellWords: quotes and escapes as a POSIX shell, operators as words, nothing expanded', () => {
  expect(shellWords('go build -tags "a b" -ldflags=\'-s -X m.v=$V\' ./x && echo \\"ok\\"; true || false | cat')).toEqual([
    'go', 'build', '-tags', 'a b', '-ldflags=-s -X m.v=$V', './x', '&&', 'echo', '"ok"', ';', 'true', '||', 'false', '|', 'cat',
  ]);
});
