import { join } from 'path';
import { Project } from 'ts-morph';
import { NOT_SETTABLE, PLAIN_OPTIONS } from '../../src/cli/plain-options';

/**
 * `set` writes the plain options: every string, number or boolean option of GoServiceProjectOptions
 * (its own, GoServiceOptions' and projen's ProjectOptions'), except the ones it leaves alone on purpose.
 */
test('PLAIN_OPTIONS is every plain option of GoServiceProjectOptions that set may write', () => {
  // GIVEN the options interface, as the compiler sees it (inherited members included)
  const project = new Project({ tsConfigFilePath: join(__dirname, '..', '..', 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const file = project.addSourceFileAtPath(join(__dirname, '..', '..', 'src', 'go-service-project.ts'));
  project.resolveSourceFileDependencies();
  const options = file.getInterfaceOrThrow('GoServiceProjectOptions');

  // WHEN its properties are sorted by type
  const plain: { [name: string]: string } = {};
  for (const symbol of options.getType().getProperties()) {
    const type = symbol.getTypeAtLocation(file).getNonNullableType();
    const kind = type.isString() || type.isStringLiteral() ? 'string'
      : type.isNumber() ? 'number'
        : type.isBoolean() || type.isBooleanLiteral() ? 'boolean' : undefined;
    if (kind) plain[symbol.getName()] = kind;
  }

  // THEN set knows every plain one it may write, with its type
  const settable = Object.fromEntries(Object.entries(plain).filter(([name]) => !NOT_SETTABLE.includes(name)));
  expect(Object.keys(PLAIN_OPTIONS).sort()).toEqual(Object.keys(settable).sort());
  expect(PLAIN_OPTIONS).toEqual(settable);
  expect(NOT_SETTABLE.filter((n) => !(n in plain))).toEqual([]);
});
