// Which entries of the state an operation reached, so a write carries those and no others.
//
// Each operation sees the state through a view whose collections note every entry it reads,
// adds or removes: handlers change entries in place (`key.state = ...`) after reaching them
// through a collection, so an entry not reached cannot have changed. Iterating a collection
// reaches all of it, so scans go through `untracked` (to read) or `findKeys` (which notes only
// what it finds); a write that still reached most entries is written as a snapshot.
import { entryId, type EntryCollection } from './engineJournal';
import type { AliasRecord, ClusterRecord, CustomKeyStoreRecord, EngineState, KeyRecord } from './engineState';

function trackedMap<T>(collection: EntryCollection, map: Record<string, T>, touched: Set<string>): Record<string, T> {
  return new Proxy(map, {
    get(target, name) {
      const value = target[name as string];
      if (value !== undefined && typeof name === 'string') touched.add(entryId(collection, name));
      return value;
    },
    set(target, name, value: T) {
      if (typeof name === 'string') touched.add(entryId(collection, name));
      target[name as string] = value;
      return true;
    },
    deleteProperty(target, name) {
      if (typeof name === 'string') touched.add(entryId(collection, name));
      delete target[name as string];
      return true;
    },
  });
}

/** The state as one operation sees it; `touched` collects the entries it reached. */
export class TrackedState implements EngineState {
  readonly formatVersion = 1 as const;
  readonly touched = new Set<string>();
  private keysView: Record<string, KeyRecord> | undefined;
  private aliasesView: Record<string, AliasRecord> | undefined;
  private clustersView: Record<string, ClusterRecord> | undefined;
  private storesView: Record<string, CustomKeyStoreRecord> | undefined;

  constructor(private readonly state: EngineState) {}

  /** The state itself, for scans that only read. */
  get untracked(): EngineState {
    return this.state;
  }

  get keys(): Record<string, KeyRecord> {
    return (this.keysView ??= trackedMap('keys', this.state.keys, this.touched));
  }

  get aliases(): Record<string, AliasRecord> {
    return (this.aliasesView ??= trackedMap('aliases', this.state.aliases, this.touched));
  }

  get clusters(): Record<string, ClusterRecord> {
    return (this.clustersView ??= trackedMap('clusters', this.state.clusters, this.touched));
  }

  get customKeyStores(): Record<string, CustomKeyStoreRecord> {
    return (this.storesView ??= trackedMap('customKeyStores', this.state.customKeyStores, this.touched));
  }

  get seededKeys(): string[] {
    this.touched.add(entryId('seededKeys', ''));
    return this.state.seededKeys;
  }
}

/** The state without tracking, for a scan that only reads what it walks over. */
export function untracked(state: EngineState): EngineState {
  return state instanceof TrackedState ? state.untracked : state;
}

/** The keys `keep` selects, scanning without noting every key: only those found are noted. */
export function findKeys(state: EngineState, keep: (key: KeyRecord) => boolean): KeyRecord[] {
  const all = untracked(state).keys;
  const found: KeyRecord[] = [];
  for (const name in all) if (keep(all[name]!)) found.push(state.keys[name]!);
  return found;
}
