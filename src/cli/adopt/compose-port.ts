import type { MainPackage } from '../../go/go-repo';

/**
 * The port the repository's compose file gives a service's port variable (`HTTP_PORT: "8080"`),
 * where the code gives that variable no default of its own (`env:"HTTP_PORT,required"`): the port
 * the team runs it on. Undefined when the code has a default, the variable holds an address, or
 * compose gives no port number.
 */
export function composePort(m: Pick<MainPackage, 'portVariable' | 'portVariableWithoutDefault' | 'portVariableValue'>, environment: { readonly [name: string]: string } | undefined): number | undefined {
  if (!m.portVariable || !m.portVariableWithoutDefault || m.portVariableValue) return undefined;
  const v = environment?.[m.portVariable];
  return v !== undefined && /^\d{1,5}$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? Number(v) : undefined;
}
