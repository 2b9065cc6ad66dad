/**
 * What each language's OpenTelemetry SDK and instrumentation libraries report: SDK and runtime
 * versions, schema URLs and instrumentation scope names, plus the browsers the RUM SDK runs in.
 */
import type { ScopeRole } from './topology.ts';

export type Language = 'go' | 'java' | 'dotnet' | 'nodejs' | 'python' | 'rust' | 'cpp' | 'webjs';

export interface LanguageProfile {
  sdkVersion: string;
  runtime?: readonly [name: string, version: string, description: string];
  distro?: readonly [name: string, version: string];
  resourceSchema: string;
  scopeSchema: string;
  scopes: Partial<Record<ScopeRole, readonly [name: string, version: string]>>;
}

const JAVA_AGENT = '2.20.1-alpha';
const PY_CONTRIB = '0.58b0';

export const profiles: Record<Language, LanguageProfile> = {
  go: {
    sdkVersion: '1.38.0',
    runtime: ['go', 'go1.25.1', 'go version go1.25.1 linux/amd64'],
    resourceSchema: 'https://opentelemetry.io/schemas/1.37.0',
    scopeSchema: '',
    scopes: {
      httpServer: ['go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', '0.63.0'],
      httpClient: ['go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', '0.63.0'],
      grpcServer: ['go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', '0.63.0'],
      grpcClient: ['go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', '0.63.0'],
      db: ['github.com/XSAM/otelsql', '0.40.0'],
      cache: ['github.com/redis/go-redis/extra/redisotel', '9.14.0'],
      kafka: ['github.com/twmb/franz-go/plugin/kotel', '1.6.0'],
    },
  },
  java: {
    sdkVersion: '1.54.1',
    runtime: ['OpenJDK Runtime Environment', '21.0.8+9-LTS', 'Eclipse Adoptium OpenJDK 64-Bit Server VM 21.0.8+9-LTS'],
    distro: ['opentelemetry-java-instrumentation', '2.20.1'],
    resourceSchema: 'https://opentelemetry.io/schemas/1.24.0',
    scopeSchema: '',
    scopes: {
      httpServer: ['io.opentelemetry.tomcat-10.0', JAVA_AGENT],
      httpClient: ['io.opentelemetry.java-http-client', JAVA_AGENT],
      grpcServer: ['io.opentelemetry.grpc-1.6', JAVA_AGENT],
      grpcClient: ['io.opentelemetry.grpc-1.6', JAVA_AGENT],
      db: ['io.opentelemetry.jdbc', JAVA_AGENT],
      cache: ['io.opentelemetry.lettuce-5.1', JAVA_AGENT],
      kafka: ['io.opentelemetry.kafka-clients-2.6', JAVA_AGENT],
      scheduler: ['io.opentelemetry.spring-scheduling-3.1', JAVA_AGENT],
      app: ['io.opentelemetry.opentelemetry-instrumentation-annotations-1.16', JAVA_AGENT],
    },
  },
  dotnet: {
    sdkVersion: '1.12.0',
    runtime: ['.NET', '8.0.20', '.NET 8.0.20'],
    resourceSchema: '',
    scopeSchema: '',
    scopes: {
      httpServer: ['Microsoft.AspNetCore', ''],
      grpcServer: ['Microsoft.AspNetCore', ''],
      cache: ['OpenTelemetry.Instrumentation.StackExchangeRedis', '1.12.0-beta.2'],
    },
  },
  nodejs: {
    sdkVersion: '2.1.0',
    runtime: ['nodejs', '22.20.0', 'Node.js'],
    resourceSchema: '',
    scopeSchema: '',
    scopes: {
      httpServer: ['@opentelemetry/instrumentation-http', '0.205.0'],
      httpClient: ['@opentelemetry/instrumentation-undici', '0.16.0'],
      grpcServer: ['@opentelemetry/instrumentation-grpc', '0.205.0'],
      grpcClient: ['@opentelemetry/instrumentation-grpc', '0.205.0'],
      db: ['@opentelemetry/instrumentation-pg', '0.58.0'],
      cache: ['@opentelemetry/instrumentation-ioredis', '0.53.0'],
    },
  },
  python: {
    sdkVersion: '1.37.0',
    runtime: ['cpython', '3.12.11', '3.12.11 (main, Sep  8 2025, 22:53:21) [GCC 12.2.0]'],
    resourceSchema: '',
    scopeSchema: 'https://opentelemetry.io/schemas/1.11.0',
    scopes: {
      httpServer: ['opentelemetry.instrumentation.flask', PY_CONTRIB],
      httpClient: ['opentelemetry.instrumentation.requests', PY_CONTRIB],
      grpcServer: ['opentelemetry.instrumentation.grpc', PY_CONTRIB],
      grpcClient: ['opentelemetry.instrumentation.grpc', PY_CONTRIB],
      db: ['opentelemetry.instrumentation.psycopg', PY_CONTRIB],
      cache: ['opentelemetry.instrumentation.redis', PY_CONTRIB],
      kafka: ['opentelemetry.instrumentation.confluent_kafka', PY_CONTRIB],
    },
  },
  rust: {
    sdkVersion: '0.30.0',
    runtime: ['rustc', '1.89.0', 'rustc 1.89.0 (29483883e 2025-08-04)'],
    resourceSchema: '',
    scopeSchema: '',
    scopes: { httpServer: ['opentelemetry-instrumentation-actix-web', '0.22.0'] },
  },
  cpp: {
    sdkVersion: '1.22.0',
    resourceSchema: '',
    scopeSchema: '',
    scopes: {},
  },
  webjs: {
    sdkVersion: '2.1.0',
    resourceSchema: '',
    scopeSchema: '',
    scopes: {
      documentLoad: ['@opentelemetry/instrumentation-document-load', '0.50.0'],
      fetch: ['@opentelemetry/instrumentation-fetch', '0.205.0'],
      userInteraction: ['@opentelemetry/instrumentation-user-interaction', '0.50.0'],
    },
  },
};

export const browsers = [
  {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
    brands: ['Chromium 140', 'Google Chrome 140', 'Not=A?Brand 24'],
    platform: 'Windows',
    mobile: false,
  },
  {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15',
    brands: [],
    platform: 'macOS',
    mobile: false,
  },
  {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
    brands: [],
    platform: 'iOS',
    mobile: true,
  },
  {
    ua: 'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36',
    brands: ['Chromium 140', 'Google Chrome 140', 'Not=A?Brand 24'],
    platform: 'Android',
    mobile: true,
  },
  {
    ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:143.0) Gecko/20100101 Firefox/143.0',
    brands: [],
    platform: 'Linux',
    mobile: false,
  },
  {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0',
    brands: ['Chromium 140', 'Microsoft Edge 140', 'Not=A?Brand 24'],
    platform: 'macOS',
    mobile: false,
  },
] as const;

export const languages = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP', 'pt-BR', 'nl-NL'];
