/**
 * The simulated shop: a dozen services with believable resources and instrumentation scopes.
 *
 * Resources and scopes are built once per generator (pod names and ids come from its seed) and
 * shared by every span of that generator: treat them as read-only.
 */
import type { InstrumentationScope, KeyValue, Resource } from '@tracegres/otlp';
import { bool, int, str, strs } from './attrs.ts';
import { browsers, languages, profiles, type Language, type LanguageProfile } from './instrumentation.ts';
import type { Rng } from './random.ts';

export const serviceNames = [
  'web-frontend',
  'api-gateway',
  'auth',
  'catalog',
  'cart',
  'checkout',
  'payments',
  'shipping',
  'currency',
  'recommendation',
  'notification',
  'fraud-detection',
  'inventory-sync',
] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Which instrumentation library produced a span. */
export type ScopeRole =
  | 'httpServer'
  | 'httpClient'
  | 'grpcServer'
  | 'grpcClient'
  | 'db'
  | 'cache'
  | 'kafka'
  | 'app'
  | 'scheduler'
  | 'documentLoad'
  | 'fetch'
  | 'userInteraction';

export interface ScopeDef {
  readonly scope: InstrumentationScope;
  readonly schemaUrl: string;
}

export interface ServiceInstance {
  readonly service: ServiceDef;
  readonly resource: Resource;
  readonly schemaUrl: string;
  /** Pod IP (or a public client IP for browsers). */
  readonly ip: string;
  readonly name: string;
}

export interface ServiceDef {
  readonly name: ServiceName;
  readonly language: Language;
  readonly version: string;
  /** Address other services dial, and its port (0 when nothing dials it). */
  readonly host: string;
  readonly port: number;
  readonly scopes: Readonly<Record<ScopeRole, ScopeDef>>;
  readonly instances: readonly ServiceInstance[];
}

export interface Topology {
  readonly services: Readonly<Record<ServiceName, ServiceDef>>;
  readonly environment: string;
}

interface ServiceSpec {
  name: ServiceName;
  language: Language;
  version: string;
  host: string;
  port: number;
  replicas: number;
  /** Tracer name used for hand-made spans. */
  appScope: string;
}

const specs: readonly ServiceSpec[] = [
  { name: 'web-frontend', language: 'webjs', version: '2.14.3', host: '', port: 0, replicas: 8, appScope: 'web-frontend' },
  { name: 'api-gateway', language: 'go', version: '1.31.0', host: 'shop.example.com', port: 443, replicas: 3, appScope: 'api-gateway' },
  { name: 'auth', language: 'go', version: '0.9.4', host: 'auth', port: 50051, replicas: 2, appScope: 'auth' },
  { name: 'catalog', language: 'java', version: '3.2.1', host: 'catalog', port: 3550, replicas: 3, appScope: 'com.shop.catalog.ProductService' },
  { name: 'cart', language: 'dotnet', version: '1.8.0', host: 'cart', port: 7070, replicas: 2, appScope: 'Shop.Cart' },
  { name: 'checkout', language: 'go', version: '2.5.2', host: 'checkout', port: 5050, replicas: 2, appScope: 'checkout' },
  { name: 'payments', language: 'nodejs', version: '1.12.0', host: 'payments', port: 50051, replicas: 2, appScope: 'payments' },
  { name: 'shipping', language: 'rust', version: '0.7.3', host: 'shipping', port: 50050, replicas: 2, appScope: 'shipping' },
  { name: 'currency', language: 'cpp', version: '1.4.0', host: 'currency', port: 7001, replicas: 2, appScope: 'currency' },
  { name: 'recommendation', language: 'python', version: '2.0.5', host: 'recommendation', port: 8080, replicas: 2, appScope: 'recommendation' },
  { name: 'notification', language: 'python', version: '1.3.9', host: '', port: 0, replicas: 1, appScope: 'notification' },
  { name: 'fraud-detection', language: 'java', version: '1.1.0', host: '', port: 0, replicas: 1, appScope: 'com.shop.fraud.OrderScorer' },
  { name: 'inventory-sync', language: 'java', version: '4.0.2', host: '', port: 0, replicas: 1, appScope: 'com.shop.inventory.SyncJob' },
];

function uuid(rng: Rng): string {
  const h = rng.hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function buildScopes(spec: ServiceSpec, profile: LanguageProfile): Record<ScopeRole, ScopeDef> {
  const app: ScopeDef = {
    scope: { name: spec.appScope, version: spec.version, attributes: [], droppedAttributesCount: 0 },
    schemaUrl: '',
  };
  const roles: ScopeRole[] = [
    'httpServer', 'httpClient', 'grpcServer', 'grpcClient', 'db', 'cache', 'kafka', 'app',
    'scheduler', 'documentLoad', 'fetch', 'userInteraction',
  ];
  const cache = new Map<string, ScopeDef>();
  const out = {} as Record<ScopeRole, ScopeDef>;
  for (const role of roles) {
    const lib = profile.scopes[role];
    if (!lib) {
      out[role] = app; // manual instrumentation through the app's own tracer
      continue;
    }
    const key = `${lib[0]}@${lib[1]}`;
    let def = cache.get(key);
    if (!def) {
      def = {
        scope: { name: lib[0], version: lib[1], attributes: [], droppedAttributesCount: 0 },
        schemaUrl: profile.scopeSchema,
      };
      cache.set(key, def);
    }
    out[role] = def;
  }
  return out;
}

function backendResource(rng: Rng, spec: ServiceSpec, profile: LanguageProfile, env: string, pod: string, node: string): KeyValue[] {
  const zone = rng.pick(['a', 'b', 'c']);
  const attrs: KeyValue[] = [
    str('service.name', spec.name),
    str('service.namespace', 'shop'),
    str('service.version', spec.version),
    str('service.instance.id', uuid(rng)),
    str('deployment.environment.name', env),
    str('host.name', pod),
    str('host.arch', 'amd64'),
    str('os.type', 'linux'),
    str('k8s.cluster.name', `${env === 'production' ? 'prod' : env}-eu-west-1`),
    str('k8s.namespace.name', 'shop'),
    str('k8s.deployment.name', spec.name),
    str('k8s.pod.name', pod),
    str('k8s.pod.uid', uuid(rng)),
    str('k8s.node.name', node),
    str('container.id', rng.hex(32)),
    str('cloud.provider', 'aws'),
    str('cloud.platform', 'aws_eks'),
    str('cloud.region', 'eu-west-1'),
    str('cloud.availability_zone', `eu-west-1${zone}`),
    str('telemetry.sdk.language', spec.language),
    str('telemetry.sdk.name', 'opentelemetry'),
    str('telemetry.sdk.version', profile.sdkVersion),
  ];
  if (profile.distro) {
    attrs.push(str('telemetry.distro.name', profile.distro[0]), str('telemetry.distro.version', profile.distro[1]));
  }
  if (profile.runtime) {
    attrs.push(
      str('process.runtime.name', profile.runtime[0]),
      str('process.runtime.version', profile.runtime[1]),
      str('process.runtime.description', profile.runtime[2]),
      int('process.pid', rng.int(1, 64)),
    );
  }
  return attrs;
}

function browserResource(rng: Rng, spec: ServiceSpec, profile: LanguageProfile, env: string, i: number): KeyValue[] {
  const b = browsers[i % browsers.length];
  const attrs = [
    str('service.name', spec.name),
    str('service.namespace', 'shop'),
    str('service.version', spec.version),
    str('deployment.environment.name', env),
    str('telemetry.sdk.language', 'webjs'),
    str('telemetry.sdk.name', 'opentelemetry'),
    str('telemetry.sdk.version', profile.sdkVersion),
  ];
  // Safari and Firefox have no User-Agent Client Hints, so no brands
  if (b.brands.length > 0) attrs.push(strs('browser.brands', b.brands));
  attrs.push(
    str('browser.platform', b.platform),
    bool('browser.mobile', b.mobile),
    str('browser.language', rng.pick(languages)),
    str('user_agent.original', b.ua),
  );
  return attrs;
}

/** Builds the simulated shop; pod names, ids and IPs come from `rng`. */
export function createTopology(rng: Rng, environment = 'production'): Topology {
  const nodes = Array.from({ length: 5 }, () => `ip-10-0-${rng.int(0, 63)}-${rng.int(2, 254)}.eu-west-1.compute.internal`);
  const services = {} as Record<ServiceName, ServiceDef>;
  for (const spec of specs) {
    const profile = profiles[spec.language];
    const instances: ServiceInstance[] = [];
    const def: ServiceDef = {
      name: spec.name,
      language: spec.language,
      version: spec.version,
      host: spec.host,
      port: spec.port,
      scopes: buildScopes(spec, profile),
      instances,
    };
    const rs = rng.alnum(10);
    for (let i = 0; i < spec.replicas; i++) {
      if (spec.language === 'webjs') {
        instances.push({
          service: def,
          resource: { attributes: browserResource(rng, spec, profile, environment, i), droppedAttributesCount: 0 },
          schemaUrl: profile.resourceSchema,
          ip: `${rng.int(31, 213)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          name: `browser-${i}`,
        });
        continue;
      }
      const pod = spec.name === 'inventory-sync' ? `inventory-sync-29${rng.int(100000, 999999)}-${rng.alnum(5)}` : `${spec.name}-${rs}-${rng.alnum(5)}`;
      instances.push({
        service: def,
        resource: {
          attributes: backendResource(rng, spec, profile, environment, pod, rng.pick(nodes)),
          droppedAttributesCount: 0,
        },
        schemaUrl: profile.resourceSchema,
        ip: `10.42.${rng.int(0, 15)}.${rng.int(2, 254)}`,
        name: pod,
      });
    }
    services[spec.name] = def;
  }
  return { services, environment };
}
