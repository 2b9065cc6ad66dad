/** Scope numbers stored in `tag_keys.scope` / `tag_values.scope`. */
export const TagScope = {
  resource: 1,
  span: 2,
  event: 3,
  link: 4,
  instrumentation: 5,
  /** Intrinsic values worth offering: span names, event names, instrumentation name/version. */
  intrinsic: 6,
} as const;
export type TagScope = (typeof TagScope)[keyof typeof TagScope];

/** Scope names as Tempo's tag APIs spell them, by number. */
export const tagScopeNames: Record<number, string> = {
  1: 'resource',
  2: 'span',
  3: 'event',
  4: 'link',
  5: 'instrumentation',
  6: 'intrinsic',
};
