// Noticing that the config file changed, however it was written.
import { unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs';
import path from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last event before `changed` runs: an editor's save is several events. */
  debounceMs?: number;
  /** How often the file's stat is polled, for file systems that send no events. */
  pollMs?: number;
}

export interface ConfigWatch {
  close(): void;
}

/**
 * Calls `changed` once a change to `file` has settled. Two sources, since neither alone sees everything:
 * - fs.watch on the file's directory: an editor that writes a new file and renames it over the old one
 *   replaces the file, which a watch on the file itself would stop following;
 * - fs.watchFile polling its stat, which follows the path: network and bind-mounted file systems that send
 *   no events, and a Kubernetes ConfigMap, whose file is a symlink swapped to a new directory.
 * A call may come without a change (the caller compares contents).
 */
export function watchConfigFile(file: string, changed: () => void, { debounceMs = 300, pollMs = 2_000 }: WatchOptions = {}): ConfigWatch {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const settle = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(changed, debounceMs);
    timer.unref();
  };
  const base = path.basename(file);
  let dir: FSWatcher | undefined;
  try {
    dir = watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || name.toString() === base) settle();
    });
    // A directory that goes away (or a watch the platform drops) leaves the poll to notice changes.
    dir.on('error', () => dir?.close());
  } catch {
    dir = undefined;
  }
  const poll = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) settle();
  };
  watchFile(file, { persistent: false, interval: pollMs }, poll);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      dir?.close();
      unwatchFile(file, poll);
    },
  };
}
