/**
 * Planner settings for one transaction whose joins must be hash joins: big generated statements
 * (TraceQL, rollup pairing) over fresh partitions without statistics, where a nested loop would be
 * quadratic in the spans of a big trace. Turning nested loops off inflates plan costs past
 * `jit_above_cost`, and Postgres then spent up to 20 s compiling a tag-values query that runs in
 * 40 ms (found by the fuzz run), so JIT goes off with them. SET LOCAL (set_config's `true`) ends
 * with the transaction; one statement, one round trip. Set per transaction rather than as a
 * connection parameter, which poolers such as PgBouncer may refuse.
 */
export const HASH_JOINS_ONLY = "select set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)";
