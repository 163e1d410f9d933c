/**
 * Which index a query's plan reads, from `explain()` on MongoDB or on FerretDB (whose explain
 * carries its backend's plan: PostgreSQL's EXPLAIN in JSON, or SQLite's lines). Undefined when the
 * plan reads the whole collection.
 */
export function indexOfPlan(plan: unknown): string | undefined {
  const text = JSON.stringify((plan as { queryPlanner?: unknown }).queryPlanner ?? plan);
  const postgres = /"Index Name":"([^"]+)"/.exec(text);
  if (postgres) return postgres[1];
  const sqlite = /USING (?:COVERING )?INDEX (\S+)/.exec(text);
  if (sqlite) return sqlite[1];
  if (text.includes('IDHACK')) return '_id_'; // MongoDB's lookup by _id
  if (text.includes('COLLSCAN') || !text.includes('IXSCAN')) return undefined;
  return /"indexName":"([^"]+)"/.exec(text)?.[1] ?? 'IXSCAN';
}
