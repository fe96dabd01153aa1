import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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
}
