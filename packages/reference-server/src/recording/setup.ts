import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestHandler, Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CallInfo } from '@synapse-calling/protocol';
import type { CallEmitter } from '../calls/call-events';
import { DEFAULTS, defaultCanRecord, type CallEvent, type LiveKitOptions } from '../options';
import type { RecordingOptions } from '../options';
import { loadRecorderDeps, type LiveKitServerSdk } from '../optional-deps';
import type { SqliteDatabase } from '../stores/sqlite';
import type { CallLog, CallRegistry, RecordingIndex } from '../stores/types';
import { LiveKitCapture, P2PCapture, type CaptureBackend } from './capture';
import { LocalRecordingStore } from './local-store';
import { P2PUploads } from './p2p-uploads';
import { RecordingPublisher } from './publisher';
import { RecordingManager } from './recording-manager';
import { RedisRecordingIndex } from './redis-recording-index';
import { recordingRoutes, withRecordings } from './routes';
import { SqliteRecordingIndex } from './sqlite-recording-index';
import { RecordingUpkeep } from './upkeep';

export interface RecordingSetupDeps {
  options: RecordingOptions;
  dataDir: string;
  livekit: { options: LiveKitOptions; sdk: LiveKitServerSdk } | undefined;
  registry: CallRegistry;
  callLog: CallLog;
  emitter: Pick<CallEmitter, 'toUser'>;
  onEvent: ((event: CallEvent) => void | Promise<void>) | undefined;
  logger: Logger;
  /** The PostgreSQL index, with the `database` setting: it wins over Redis and SQLite. */
  postgres: RecordingIndex | undefined;
  /** The Redis connection and key prefix, with the `redis` setting. */
  redis: { client: Redis; prefix: string } | undefined;
  /** Opens (once) the embedded database, when the index is to live in SQLite. */
  sqlite: () => SqliteDatabase;
  maintenanceIntervalMs: number;
}

/** Call recording, assembled: what the server wires into its calls, socket and routes. */
export interface Recordings {
  manager: RecordingManager;
  /** The download and upload routes, behind `auth` (authentication and the REST limits). */
  routes(auth: RequestHandler): Router;
  /** Adds each call's recording to call log entries (`GET /api/calls`). */
  decorate(calls: CallInfo[]): Promise<CallInfo[]>;
  /** Finalises what a previous process left unfinished, and starts retention. */
  start(): Promise<void>;
  /** Deletes the recordings past their retention now (as the timer does); returns how many. */
  prune(now?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Builds call recording from the `recording` setting: the store (local directory by default),
 * the metadata index beside the call log (SQLite, PostgreSQL with `database`, or Redis with
 * several nodes), the capture of
 * each media mode (a recorder participant with LiveKit, the browser's uploads with P2P).
 */
export async function setupRecording(deps: RecordingSetupDeps): Promise<Recordings> {
  const { options, logger } = deps;
  // A missing optional peer must fail the start, not the first recording.
  if (deps.livekit) await loadRecorderDeps();
  // An in-memory server (tests) keeps its files in a directory of its own under the OS temp dir.
  const dir =
    deps.dataDir === ':memory:'
      ? mkdtempSync(join(tmpdir(), 'synapse-recordings-'))
      : join(deps.dataDir, 'recordings');
  const store = options.store ?? new LocalRecordingStore(dir);
  const index: RecordingIndex =
    options.index ??
    deps.postgres ??
    (deps.redis
      ? new RedisRecordingIndex(deps.redis.client, deps.redis.prefix)
      : new SqliteRecordingIndex(deps.sqlite()));
  const maxBytes = options.maxBytes ?? DEFAULTS.recordingMaxBytes;
  const uploadGraceMs = options.uploadGraceMs ?? DEFAULTS.recordingUploadGraceMs;
  const uploads = new P2PUploads(store, maxBytes);
  const captures: Partial<Record<'p2p' | 'livekit', CaptureBackend>> = {
    p2p: new P2PCapture(uploads, uploadGraceMs),
  };
  if (deps.livekit) {
    captures.livekit = new LiveKitCapture(
      deps.livekit.options,
      deps.livekit.sdk,
      store,
      maxBytes,
      logger,
    );
  }
  const publisher = new RecordingPublisher({
    registry: deps.registry,
    index,
    callLog: deps.callLog,
    emitter: deps.emitter,
    onEvent: deps.onEvent,
    logger,
  });
  const manager = new RecordingManager({
    registry: deps.registry,
    publisher,
    captures,
    emitter: deps.emitter,
    canRecord: options.canRecord ?? defaultCanRecord,
    requireConsent: options.requireConsent ?? false,
    auto: options.auto ?? false,
    logger,
  });
  const upkeep = new RecordingUpkeep({
    registry: deps.registry,
    index,
    store,
    uploads,
    manager,
    publisher,
    logger,
    shared: deps.redis !== undefined,
    retentionDays: options.retentionDays,
    intervalMs: deps.maintenanceIntervalMs,
  });
  return {
    manager,
    routes: (auth) =>
      recordingRoutes({ auth, index, store, uploads, manager, uploadGraceMs, logger }),
    decorate: (calls) => withRecordings(index, calls),
    async start() {
      await upkeep.recover();
      upkeep.start();
    },
    prune: (now) => upkeep.prune(now),
    async close() {
      await upkeep.stop();
      await manager.close();
    },
  };
}
