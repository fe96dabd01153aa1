import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

const READY = '.ready';

function ownerAlive(lock: string): boolean {
  // No pid file yet: the owner is between mkdir and writing it.
  if (!existsSync(`${lock}/pid`)) return true;
  try {
    process.kill(Number(readFileSync(`${lock}/pid`, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fills `dir` with `build` exactly once across processes (vitest runs test files in several
 * workers): the first caller builds while the others wait, and `dir` counts as done only once
 * `build` resolved. A lock left by a dead process is taken over.
 */
export async function withLock(dir: string, build: () => Promise<void>): Promise<void> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 15 * 60_000;
  mkdirSync(dirname(dir), { recursive: true });
  while (!existsSync(`${dir}/${READY}`)) {
    try {
      mkdirSync(lock);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
      if (!ownerAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      else await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      writeFileSync(`${lock}/pid`, String(process.pid));
      if (existsSync(`${dir}/${READY}`)) return;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await build();
      writeFileSync(`${dir}/${READY}`, '');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  // Marks it used, for pruneUnused().
  const now = new Date();
  utimesSync(`${dir}/${READY}`, now, now);
}

/**
 * Removes the finished entries of `parent` (each filled by withLock) unused for `maxAgeMs`, so
 * that the OS temp dir does not collect a template per dependency change. Entries being built
 * (no ready mark yet) are left alone.
 */
export function pruneUnused(parent: string, maxAgeMs: number): void {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent)) {
    const ready = join(parent, entry, READY);
    if (existsSync(ready) && Date.now() - statSync(ready).mtimeMs > maxAgeMs) {
      rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}
