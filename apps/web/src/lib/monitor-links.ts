// TraceQL for the Monitor's "view traces" links: a service's spans of one kind, or one operation's.

const KIND_INTRINSIC: Record<string, string> = { server: 'server', client: 'client', producer: 'producer', consumer: 'consumer', internal: 'internal', unspecified: 'unspecified' };

export function operationTraceQL(service: string, spanKind: string, operation?: string): string {
  const conds = [`resource.service.name = ${JSON.stringify(service)}`];
  if (operation !== undefined) conds.push(`name = ${JSON.stringify(operation)}`);
  if (KIND_INTRINSIC[spanKind]) conds.push(`kind = ${KIND_INTRINSIC[spanKind]}`);
  return `{ ${conds.join(' && ')} }`;
}
