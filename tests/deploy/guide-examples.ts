// The SQL examples of docs/operations.md: each is a ```sql block right after an
// `<!-- example: NAME -->` marker, starting with `-- returns: col, col, ...`.
import { readFileSync } from 'node:fs';
import { root } from './compose-file.ts';

export interface GuideExample {
  name: string;
  sql: string;
  returns: string[];
}

export const guide = readFileSync(`${root}docs/operations.md`, 'utf8');

export function guideExamples(): GuideExample[] {
  const out: GuideExample[] = [];
  for (const m of guide.matchAll(/<!-- example: ([\w-]+) -->\n```sql\n([\s\S]*?)```/g)) {
    const returns = /^-- returns: (.+)$/m.exec(m[2]);
    if (!returns) throw new Error(`example ${m[1]}: no "-- returns:" line`);
    out.push({ name: m[1], sql: m[2].trim(), returns: returns[1].split(',').map((c) => c.trim()) });
  }
  return out;
}

/** The ```sql blocks of one `## ` section, marked as examples or not. */
export function sqlBlocksOfSection(title: string): { marked: boolean; sql: string }[] {
  const start = guide.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const end = guide.indexOf('\n## ', start + 1);
  const section = guide.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/(<!-- example: [\w-]+ -->\n)?```sql\n([\s\S]*?)```/g)].map((m) => ({ marked: m[1] !== undefined, sql: m[2] }));
}
