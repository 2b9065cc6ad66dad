// Attribute names and values for autocomplete and the search form, from Tempo's tag APIs.
// Names load once per page; values load per identifier on first use and are kept.
import { fetchTagNames, fetchTagValues, type TagValue } from '../lib/api.ts';

/** Where `loadValues(identifier, q)` keeps its answer in `values`. */
export function valuesKey(identifier: string, q?: string): string {
  return q ? `${identifier} where ${q}` : identifier;
}

class TagCatalog {
  /** Attribute names by scope (`resource`, `span`, `event`, ...). */
  names = $state.raw<Record<string, string[]>>({});
  /** Values by identifier (`resource.service.name`, `name`, `.http.route`). */
  values = $state.raw<Record<string, TagValue[]>>({});
  private loadingNames: Promise<void> | undefined;
  private loadingValues = new Map<string, Promise<TagValue[]>>();

  loadNames(): Promise<void> {
    this.loadingNames ??= fetchTagNames().then(
      (r) => {
        const out: Record<string, string[]> = {};
        for (const s of r.scopes ?? []) out[s.name] = [...s.tags].sort();
        this.names = out;
      },
      () => {
        // Autocomplete is a help, not a requirement: the editor works without names.
        this.loadingNames = undefined;
      },
    );
    return this.loadingNames;
  }

  /** Names for a scope; `unscoped` means span and resource names together. */
  namesFor(scope: string): string[] {
    if (scope !== 'unscoped') return this.names[scope] ?? [];
    return [...new Set([...(this.names.span ?? []), ...(this.names.resource ?? [])])].sort();
  }

  /** Loads values into `values[valuesKey(identifier, q)]`. */
  loadValues(identifier: string, q?: string): Promise<TagValue[]> {
    const key = valuesKey(identifier, q);
    let p = this.loadingValues.get(key);
    if (!p) {
      p = fetchTagValues(identifier, q).then(
        (vals) => {
          this.values = { ...this.values, [key]: vals };
          return vals;
        },
        () => {
          this.loadingValues.delete(key);
          return [];
        },
      );
      this.loadingValues.set(key, p);
    }
    return p;
  }
}

export const tags = new TagCatalog();
