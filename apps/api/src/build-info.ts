import type { BuildInfo } from './deps.ts';

/** Our own version; buildinfo reports the Tempo API level we implement (Grafana gates on it). */
export const TRACEGRES_VERSION = '0.1.0';
const TEMPO_API_VERSION = '2.9.0';

/** Tempo's buildinfo for this process; `runtime` names what runs us ("node 20.x", "workerd"). */
export function buildInfoFor(runtime: string | undefined): BuildInfo {
  return {
    version: TEMPO_API_VERSION,
    revision: `tracegres-${TRACEGRES_VERSION}`,
    branch: 'main',
    buildUser: 'tracegres',
    buildDate: '',
    goVersion: `none (tracegres ${TRACEGRES_VERSION} on ${runtime ?? 'unknown runtime'})`,
  };
}
