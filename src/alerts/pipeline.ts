// The pipeline a config describes, with the silences in force: what classify and planGroup run over.
import type { Config } from '../config/load.js';
import type { SilenceRow } from '../db/schema.js';
import type { Pipeline, PipelineSilence } from './decide.js';

/** How an alert event names a stored silence (`#<id>`); the config's windows are named by their own ids, which never start so. */
export const STORED_REF_PREFIX = '#';
export const storedSilenceRef = (id: number): string => `${STORED_REF_PREFIX}${id}`;

/**
 * The config's maintenance windows as rules. Their ids are negative so that they never collide with stored
 * silences, and they come first when two start at the same moment.
 */
export function configSilences(config: Config): PipelineSilence[] {
  return config.silences.map((s, i) => ({
    id: -(i + 1),
    ref: s.id,
    matchers: s.matchers,
    startsAt: s.starts_at,
    endsAt: s.ends_at,
    stopPages: s.stop_pages,
  }));
}

export function storedSilence(row: SilenceRow): PipelineSilence {
  return {
    id: row.id,
    ref: storedSilenceRef(row.id),
    matchers: row.matchers,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    stopPages: row.stopPages,
  };
}

export function pipelineOf(config: Config, stored: readonly SilenceRow[]): Pipeline {
  return {
    routes: config.alertRoutes,
    groupBy: config.alertGrouping.group_by,
    openAfter: config.alertGrouping.open_after,
    silences: [...configSilences(config), ...stored.map(storedSilence)],
  };
}
