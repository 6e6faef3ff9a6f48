import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each source file (relative to src/) and the source files it imports, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) =>
      path.relative(SRC, path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'))),
    );
    graph.set(path.relative(SRC, file), targets);
  }
  return graph;
}

/** The import cycles of a graph, each as the files along it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

/** The composition root wires everything; the other top-level files (logger, metrics) are leaves anyone may use. */
const ROOT = new Set(['firewatch.ts', 'main.ts']);
const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : ROOT.has(file) ? '(root)' : '(shared)');

/** Imports from files in `from` of files in any of `to`. */
function importsBetween(graph: Map<string, string[]>, from: string, to: readonly string[]): string[] {
  return [...graph].flatMap(([file, targets]) =>
    folderOf(file) === from ? targets.filter((t) => to.includes(folderOf(t))).map((t) => `${file} → ${t}`) : [],
  );
}

describe('the layers of src/', () => {
  const graph = importGraph();

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps incidents/ below the domains that build on it and below the cross-domain flows', () => {
    expect(importsBetween(graph, 'incidents', ['paging', 'digests', 'postmortems', 'workflow', 'alerts', 'slack', 'http'])).toEqual([]);
  });

  it('keeps timeline/ below incidents/ and everything else that records on it', () => {
    expect(
      importsBetween(graph, 'timeline', ['incidents', 'paging', 'digests', 'postmortems', 'workflow', 'alerts', 'slack', 'http']),
    ).toEqual([]);
  });

  it('keeps the domains free of the surfaces: no domain folder imports slack/, http/ or the composition root', () => {
    for (const domain of ['config', 'db', 'outbox', 'timeline', 'incidents', 'paging', 'digests', 'postmortems', 'workflow']) {
      expect(importsBetween(graph, domain, ['slack', 'http', 'providers', '(root)']), domain).toEqual([]);
    }
  });

  it('keeps http/ free of Slack, and slack/ free of the alert pipeline, and the surfaces apart', () => {
    expect(importsBetween(graph, 'http', ['slack'])).toEqual([]);
    expect(importsBetween(graph, 'providers', ['slack', 'http'])).toEqual([]);
    expect(importsBetween(graph, 'slack', ['providers'])).toEqual([]);
    expect(importsBetween(graph, 'slack', ['alerts'])).toEqual([]);
  });

  it('lets the domains below workflow/ read only its table of who hears about what', () => {
    for (const domain of ['paging', 'digests', 'postmortems']) {
      const upward = importsBetween(graph, domain, ['workflow']).filter((edge) => !edge.endsWith('→ workflow/audience.ts'));
      expect(upward, domain).toEqual([]);
    }
    expect(graph.get('workflow/audience.ts')?.filter((t) => folderOf(t) === 'workflow')).toEqual([]);
  });

  it('leaves Slack markup to slack/: no domain message renders a mention or an /incident command itself', () => {
    // The postmortem is a document in Slack's markup (uploaded as a file and a canvas), so postmortems/ writes mentions.
    const outsideSlack = sourceFiles(SRC).filter((file) => !/\/(slack|postmortems)\//.test(file));
    const rendering = outsideSlack.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
        .filter((line) => line.includes('<@') || /\\?`\/incident/.test(line))
        .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
    );
    expect(rendering).toEqual([]);
  });
});
