import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { LiveKitOptions } from '../options';
import type { LiveKitServerSdk } from '../optional-deps';
import { loadRecorderDeps } from '../optional-deps';
import type { CallRecord, RecordingKey, RecordingStore } from '../stores/types';
import type { FinishedFile } from './file-sink';
import { LiveKitRecorder } from './livekit-recorder';
import type { P2PUploads } from './p2p-uploads';

/** A recording being captured; `finish` stops it and returns the file (none: no audio). */
export interface ActiveCapture {
  finish(): Promise<FinishedFile | undefined>;
}

/** How audio of a call is captured: by the server from the SFU, or by a party's browser. */
export interface CaptureBackend {
  begin(record: CallRecord, onFailure: (err: Error) => void): Promise<ActiveCapture>;
}

export const keyOf = (record: { tenant: string; callId: string }): RecordingKey => ({
  tenant: record.tenant,
  callId: record.callId,
});

/**
 * LiveKit calls: a recorder participant joins the room from this node. A token for it is minted
 * here with a hidden, subscribe-only `recorder` grant, valid for that one room.
 */
export class LiveKitCapture implements CaptureBackend {
  constructor(
    private readonly options: LiveKitOptions,
    private readonly sdk: LiveKitServerSdk,
    private readonly store: RecordingStore,
    private readonly maxBytes: number,
    private readonly logger: Logger,
  ) {}

  async begin(record: CallRecord, onFailure: (err: Error) => void): Promise<ActiveCapture> {
    if (!record.room) throw new Error(`call ${record.call.id} has no room`);
    const { rtc, OpusScript } = await loadRecorderDeps();
    const token = new this.sdk.AccessToken(this.options.apiKey, this.options.apiSecret, {
      // Random: no user id can collide with it (a collision would kick that user out).
      identity: `synapse-recorder:${randomUUID()}`,
      name: 'recorder',
      ttl: 60,
    });
    token.addGrant({
      room: record.room,
      roomJoin: true,
      canPublish: false,
      canPublishData: false,
      canSubscribe: true,
      hidden: true,
      recorder: true,
    });
    const recorder = new LiveKitRecorder({
      rtc,
      OpusScript,
      store: this.store,
      key: keyOf({ tenant: record.tenant, callId: record.call.id }),
      url: this.options.url,
      token: await token.toJwt(),
      maxBytes: this.maxBytes,
      logger: this.logger,
      onFailure,
    });
    try {
      await recorder.start();
    } catch (err) {
      await recorder.stop().catch(() => undefined);
      throw err;
    }
    return { finish: () => recorder.stop() };
  }
}

/**
 * P2P calls: the uploader's browser records and uploads chunks (`P2PUploads`); finishing waits
 * for its last chunk (or `graceMs`) and remuxes the chunks into the file.
 */
export class P2PCapture implements CaptureBackend {
  constructor(
    private readonly uploads: P2PUploads,
    private readonly graceMs: number,
  ) {}

  async begin(record: CallRecord): Promise<ActiveCapture> {
    const key = keyOf({ tenant: record.tenant, callId: record.call.id });
    return {
      finish: async () => {
        await this.uploads.waitComplete(key, this.graceMs);
        return this.uploads.finalise(key);
      },
    };
  }
}
