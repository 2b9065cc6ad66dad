/**
 * The TraceQL corpus: queries by expected outcome. New syntax means new lines here first.
 * - valid: parses and validates;
 * - parseFail: TraceQLParseError;
 * - validateFail: parses, validate() throws TraceQLValidationError;
 * - unsupported: parses, validate() throws TraceQLUnsupportedError (Tempo parses but rejects).
 * Sources: Tempo's documented examples (shared/reference/traceql-examples.tsv) and behaviour of
 * Tempo's grammar and validator, written out by hand for this project.
 */

import { validFilters } from './corpus-valid-filters.ts';
import { validPipelines } from './corpus-valid-pipelines.ts';

export { parseFail } from './corpus-parse-fail.ts';
export { unsupported, validateFail } from './corpus-validate-fail.ts';

/** Queries that parse and validate. */
export const valid: string[] = [...validFilters, ...validPipelines];
