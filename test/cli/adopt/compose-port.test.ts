import { composePort } from '../../../src/cli/adopt/compose-port';

describe('the port their compose file gives a port variable without a default in the code', () => {
  const required = { portVariable: 'WEB_PORT', portVariableWithoutDefault: true };
  test('taken where the code gives the variable no default', () => {
    expect(composePort(required, { WEB_PORT: '8080', OTHER: '1' })).toBe(8080);
  });
  test.each([
    ['the code has a default', { portVariable: 'WEB_PORT' }, { WEB_PORT: '8080' }],
    ['the variable holds an address', { ...required, portVariableValue: ':{port}' }, { WEB_PORT: ':8080' }],
    ['compose does not set it', required, { OTHER: '1' }],
    ['no compose environment', required, undefined],
    ['not a port number', required, { WEB_PORT: '${PORT}' }],
    ['out of range', required, { WEB_PORT: '70000' }],
  ])('not taken: %s', (_why, m, env) => {
    expect(composePort(m, env)).toBeUndefined();
  });
});
