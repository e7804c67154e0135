// The engine store's curve: what one durable write costs, how long a restart takes and how much
// memory a key holds, at 100 / 1,000 / 10,000 / 100,000 keys in the store. The baseline is the
// same measurement at 100 keys in the same run (target: a write at 100,000 keys costs at most
// 2x a write at 100; a restart at 100,000 keys takes under 2 s). Beside it, what the earlier
// store did per write at each size: encrypt the whole state, write it to a temporary file,
// fsync, rename, fsync the folder.
//
// The stores are laid down directly (one snapshot of N copies of a real CreateKey record with
// fresh ids and material), not by N CreateKey calls: 100,000 calls would take minutes and
// measure CreateKey, not the store. Writes are then made through the engine, one at a time, as
// a client waiting for each answer sees them.
// Run: node --import tsx test/bench/storeBench.ts   (or npm run bench); STORE_SIZES=100,1000 picks sizes.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, promises as fs, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bundledImport } from './support/bundledImport';
import type { KeyRecord } from '../../server/src/core/engine/engineState';

type StoreModules = typeof import('./support/storeEngine');

const SIZES = (process.env.STORE_SIZES ?? '100,1000,10000,100000').split(',').map(Number);
const ROUNDS = Number(process.env.STORE_ROUNDS ?? 10);
const WRITES_PER_ROUND = Number(process.env.STORE_WRITES ?? 30);
const RESTARTS = 3;
const ROOT = { principalArn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'test', region: 'us-east-1' };
const ROOT_KEY = new Uint8Array(randomBytes(32));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, fsConstants.O_RDONLY);
  await handle.sync().finally(() => handle.close());
}

interface Laid {
  readonly keys: number;
  readonly dir: string;
  readonly fileMb: number;
  /** Sealing and writing the snapshot: what one compaction costs at this size. */
  readonly compactionMs: number;
  readonly wholeStateWriteMs: number;
}

/** Lays down a store of `keys` copies of a real key record (fresh ids and material). */
async function layDown(m: StoreModules, keys: number, template: KeyRecord): Promise<Laid> {
  const dir = mkdtempSync(join(tmpdir(), 'kms-store-bench-'));
  const state = m.emptyEngineState();
  for (let i = 0; i < keys; i++) {
    const keyId = randomUUID();
    const materialId = randomBytes(32).toString('hex');
    state.keys[m.keyStoreKey('us-east-1', keyId)] = {
      ...template,
      keyId,
      arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
      materials: [{ id: materialId, secret: randomBytes(32).toString('base64'), createdAt: Date.now(), origin: 'CREATED' }],
      currentMaterialId: materialId,
      tags: [],
      grants: [],
    };
  }
  const store = await m.openFileEngineStore(dir);
  await store.read();
  const laying = performance.now();
  await store.replace(m.sealSnapshot(state, 1, ROOT_KEY));
  const compactionMs = performance.now() - laying;
  await store.close();

  // What the earlier store did per write at this size.
  const whole: number[] = [];
  for (let i = 0; i < (keys >= 100_000 ? 1 : 3); i++) {
    const started = performance.now();
    const bytes = m.encryptSnapshot(state, ROOT_KEY);
    const temporary = join(dir, 'whole.tmp');
    const handle = await fs.open(temporary, 'w', 0o600);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    await fs.rename(temporary, join(dir, 'whole.kmsstate'));
    await fsyncDirectory(dir);
    whole.push(performance.now() - started);
  }
  await fs.rm(join(dir, 'whole.kmsstate'), { force: true });
  const fileMb = (await fs.stat(join(dir, 'engine-state.kmsstate'))).size / 1e6;
  return { keys, dir, fileMb, compactionMs, wholeStateWriteMs: median(whole) };
}

type Engine = Awaited<ReturnType<StoreModules['openKmsEngine']>>;

async function open(m: StoreModules, dir: string): Promise<Engine> {
  return m.openKmsEngine({ environment: m.defaultEnvironment(), store: await m.openFileEngineStore(dir), rootKey: ROOT_KEY });
}

/** Restart: lock, read, check, decrypt and rebuild the state; best wall time of three, its CPU time, heap per key. */
async function restart(m: StoreModules, laid: Laid): Promise<{ wallMs: number; cpuMs: number; bytesPerKey: number }> {
  let best = { wallMs: Infinity, cpuMs: Infinity };
  let bytesPerKey = 0;
  for (let trial = 0; trial < RESTARTS; trial++) {
    const before = heapUsed();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const engine = await open(m, laid.dir);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (wallMs < best.wallMs) best = { wallMs, cpuMs: (used.user + used.system) / 1000 };
    // What the open engine holds over what was there before it (first trial: nothing else open).
    if (trial === 0) bytesPerKey = (heapUsed() - before) / laid.keys;
    await engine.close();
  }
  return { ...best, bytesPerKey };
}

/** One durable write after another, as a client waiting for each answer sees them: CreateKey, then UpdateKeyDescription of an existing key. */
async function writes(engine: Engine, existing: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    if (i % 2) await engine.execute('UpdateKeyDescription', { KeyId: existing, Description: `write ${i}` }, ROOT);
    else await engine.execute('CreateKey', {}, ROOT);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const m = await bundledImport<StoreModules>(join(__dirname, 'support', 'storeEngine.ts'));
  // A real key record, as CreateKey makes it, to copy.
  const memory = await m.openKmsEngine({ environment: m.defaultEnvironment() });
  const created = await memory.execute('CreateKey', { Description: 'bench' }, ROOT) as { KeyMetadata: { KeyId: string } };
  const template = (memory as unknown as { state: { keys: Record<string, KeyRecord> } }).state.keys[`us-east-1/${created.KeyMetadata.KeyId}`]!;
  await memory.close();

  const laid: Laid[] = [];
  try {
    for (const keys of SIZES) laid.push(await layDown(m, keys, template));
    const restarts = [];
    for (const store of laid) restarts.push(await restart(m, store));

    // Writes: every store open at once, and rounds that go through the sizes in turn, so a burst
    // of other work on the machine hits every size alike; per size, the median over rounds.
    const engines: Engine[] = [];
    const existing: string[] = [];
    for (const store of laid) {
      const engine = await open(m, store.dir);
      engines.push(engine);
      existing.push(Object.values((engine as unknown as { state: { keys: Record<string, KeyRecord> } }).state.keys)[0]!.keyId);
      await writes(engine, existing[existing.length - 1]!, 20);
    }
    const rounds: number[][] = laid.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < engines.length; i++) rounds[i]!.push(await writes(engines[i]!, existing[i]!, WRITES_PER_ROUND));
    }
    for (const engine of engines) await engine.close();

    const base = rounds[0]!;
    const writeMs = rounds.map((r) => median(r));
    const ratios = rounds.map((r) => median(r.map((ms, round) => ms / base[round]!)));
    for (let i = 0; i < laid.length; i++) {
      const store = laid[i]!;
      const started = restarts[i]!;
      console.log(
        `${fmt(store.keys).padStart(7)} keys: write ${writeMs[i]!.toFixed(2)} ms (median of ${ROUNDS} rounds of ${WRITES_PER_ROUND}), x${ratios[i]!.toFixed(2)} of ${fmt(laid[0]!.keys)} keys | ` +
          `restart ${fmt(started.wallMs)} ms (${fmt(started.cpuMs)} ms CPU) | ${fmt(started.bytesPerKey)} bytes of heap per key | ` +
          `file ${store.fileMb.toFixed(1)} MB, a compaction ${fmt(store.compactionMs)} ms | earlier whole-state write ${store.wholeStateWriteMs.toFixed(1)} ms`,
      );
    }
    const last = laid.length - 1;
    const largest = laid[last]!;
    const ratio = ratios[last]!;
    const restartMs = restarts[last]!.wallMs;
    console.log(
      `Store: a write at ${fmt(largest.keys)} keys costs x${ratio.toFixed(2)} a write at ${fmt(laid[0]!.keys)} (target <= 2) ${ratio <= 2 ? 'OK' : 'MISSED'}; ` +
        `restart at ${fmt(largest.keys)} keys ${fmt(restartMs)} ms (target < 2,000) ${restartMs < 2000 ? 'OK' : 'MISSED'}. ` +
        `Compaction (when the records reach twice the snapshot, at least 4 MB) is not in the per-write figure: at ${fmt(largest.keys)} keys it ` +
        `costs ${fmt(largest.compactionMs)} ms about once per ${fmt(Math.max(4e6, 2 * largest.fileMb * 1e6) / 1000)} writes of 1 KB.`,
    );
  } finally {
    for (const store of laid) rmSync(store.dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
