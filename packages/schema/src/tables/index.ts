export * from './tenants.ts';
export * from './dictionaries.ts';
export * from './traces.ts';
export * from './state.ts';
export * from './tags.ts';
export * from './rollups.ts';
