/** The rows of a raw statement (`tx.execute`): postgres.js answers them as an array, PGlite as an object holding them. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
