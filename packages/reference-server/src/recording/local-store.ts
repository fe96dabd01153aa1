import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingKey, RecordingStore } from '../stores/types';

/** Object names are the server's own; anything else is a bug, and must not reach the disk. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,80}$/;
/** Call ids are the server's UUIDs. */
const CALL_ID = /^[A-Za-z0-9-]{1,128}$/;

/**
 * Recordings in a local directory (by default `<dataDir>/recordings`):
 * `<tenant>/<call id>/<object>`. The tenant comes from a verified token but may hold any
 * character, so it is percent-encoded, dots included: no tenant can name `..` or a path.
 */
export class LocalRecordingStore implements RecordingStore {
  constructor(readonly root: string) {}

  async put(key: RecordingKey, name: string, data: Uint8Array): Promise<void> {
    const dir = await this.ensureDir(key);
    await writeFile(join(dir, checkName(name)), data);
  }

  async openWrite(key: RecordingKey, name: string): Promise<NodeJS.WritableStream> {
    const dir = await this.ensureDir(key);
    return createWriteStream(join(dir, checkName(name)));
  }

  read(key: RecordingKey, name: string, range?: { start: number; end: number }) {
    return createReadStream(join(this.dirOf(key), checkName(name)), range ?? {});
  }

  async size(key: RecordingKey, name: string): Promise<number | undefined> {
    try {
      return (await stat(join(this.dirOf(key), checkName(name)))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(key: RecordingKey): Promise<string[]> {
    try {
      return (await readdir(this.dirOf(key))).filter((n) => NAME.test(n)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async remove(key: RecordingKey, name: string): Promise<void> {
    await rm(join(this.dirOf(key), checkName(name)), { force: true });
  }

  async removeAll(key: RecordingKey): Promise<void> {
    await rm(this.dirOf(key), { recursive: true, force: true });
  }

  private dirOf(key: RecordingKey): string {
    if (!CALL_ID.test(key.callId)) throw new Error('invalid call id for a recording');
    const tenant = encodeURIComponent(key.tenant).replace(/\./g, '%2E');
    return join(this.root, tenant, key.callId);
  }

  private async ensureDir(key: RecordingKey): Promise<string> {
    const dir = this.dirOf(key);
    await mkdir(dir, { recursive: true });
    return dir;
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid recording object name: ${name}`);
  return name;
}
