import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { Logger } from 'pino';
import {
  LIMITS,
  type CallInfo,
  type RecordingChunkResponse,
  type RecordingPartResponse,
  type RestErrorBody,
} from '@synapse-calling/protocol';
import type { Identity } from '../auth';
import { fail, ProtocolFailure } from '../errors';
import { identityOf, sendError } from '../http/rest';
import type { RecordingIndex, RecordingKey, RecordingRow, RecordingStore } from '../stores/types';
import { keyOf } from './capture';
import { RECORDING_FILE } from './file-sink';
import { MAX_CHUNKS_PER_PART, MAX_PARTS, type P2PUploads } from './p2p-uploads';
import type { RecordingManager } from './recording-manager';

export interface RecordingRoutesDeps {
  /**
   * Authentication and the REST limits, as for every `/api` route. Uploads go one chunk at a
   * time, about one a second, so they fit the per-user budget beside the page's other calls.
   */
  auth: RequestHandler;
  index: RecordingIndex;
  store: RecordingStore;
  uploads: P2PUploads;
  manager: RecordingManager;
  /** How long after a recording stopped its uploader may still send its last chunks. */
  uploadGraceMs: number;
  logger: Logger;
}

const UPLOADING = new Set(['recording', 'stopped', 'failed']);

/**
 * `GET /api/calls/:id/recording` (download, with HTTP range requests so players can seek) and
 * the P2P upload routes. Only the call's parties in its tenant get anywhere: everyone else gets
 * the same 404, whether the call, the recording or the file exists or not.
 */
export function recordingRoutes(deps: RecordingRoutesDeps): Router {
  const router = express.Router();
  const { auth } = deps;

  /** The call's recording row, if `identity` is one of its parties. */
  const rowFor = async (identity: Identity, callId: unknown): Promise<RecordingRow> => {
    if (typeof callId !== 'string' || callId.length > LIMITS.maxIdLength) throw fail.notFound();
    const row = await deps.index.get(callId);
    if (!row || row.tenant !== identity.tenant || !row.parties.includes(identity.userId)) {
      throw fail.notFound('recording');
    }
    return row;
  };

  /** Where `identity` may upload: the uploader of a P2P recording not yet finalised. */
  const uploadKey = async (
    req: Request,
    res: Response,
    newPart: boolean,
  ): Promise<RecordingKey> => {
    const identity = identityOf(res);
    const row = await rowFor(identity, req.params.id);
    const { recording } = row;
    if (row.media !== 'p2p' || recording.uploader !== identity.userId) {
      throw fail.recordingNotAllowed('you do not upload this recording');
    }
    const late =
      recording.stoppedAt !== undefined && Date.now() - recording.stoppedAt > deps.uploadGraceMs;
    if (
      recording.file ||
      !UPLOADING.has(recording.status) ||
      (newPart && recording.status !== 'recording') ||
      (recording.status !== 'recording' && late)
    ) {
      throw fail.invalidState('the recording does not accept uploads');
    }
    return keyOf(row);
  };

  router.get('/api/calls/:id/recording', auth, async (req, res) => {
    const row = await rowFor(identityOf(res), req.params.id);
    const file = row.recording.file;
    const size = file && (await deps.store.size(keyOf(row), RECORDING_FILE));
    if (!file || size === undefined) throw fail.notFound('recording');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', file.mimeType);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('ETag', `"${file.sha256}"`);
    const name = `call-${row.callId}.ogg`;
    const disposition = req.query.download !== undefined ? 'attachment' : 'inline';
    res.setHeader('Content-Disposition', `${disposition}; filename="${name}"`);
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') {
      res.setHeader('Content-Range', `bytes */${size}`);
      const body: RestErrorBody = {
        error: { code: 'invalid-payload', message: 'range not satisfiable' },
      };
      return void res.status(416).json(body);
    }
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.setHeader('Content-Length', String(size));
    }
    if (req.method === 'HEAD') return void res.end();
    const stream = deps.store.read(keyOf(row), RECORDING_FILE, range ?? undefined);
    stream.on('error', (err) => {
      deps.logger.error({ err, callId: row.callId }, 'reading a recording failed');
      res.destroy();
    });
    stream.pipe(res);
  });

  router.post('/api/calls/:id/recording/parts', auth, async (req, res) => {
    const key = await uploadKey(req, res, true);
    const body: RecordingPartResponse = { part: await deps.uploads.newPart(key) };
    res.status(201).json(body);
  });

  router.put(
    '/api/calls/:id/recording/parts/:part/chunks/:seq',
    auth,
    express.raw({ type: () => true, limit: LIMITS.maxRecordingChunkBytes }),
    async (req, res) => {
      const part = index(req.params.part, MAX_PARTS);
      const seq = index(req.params.seq, MAX_CHUNKS_PER_PART);
      if (part === undefined || seq === undefined) {
        return sendError(res, 'invalid-payload', 'part and seq must be whole numbers');
      }
      const body: unknown = req.body;
      const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      const last = req.query.last === '1';
      // Only the last chunk may be empty: MediaRecorder may have nothing left when it stops.
      if (data.length === 0 && !last) {
        return sendError(res, 'invalid-payload', 'the chunk is empty');
      }
      const key = await uploadKey(req, res, false);
      try {
        const next = await deps.uploads.putChunk(key, part, seq, data, last);
        const answer: RecordingChunkResponse = { next };
        res.json(answer);
      } catch (err) {
        // Past the recording's size limit: the recording stops, the call goes on.
        if (err instanceof ProtocolFailure && err.code === 'too-large') {
          await deps.manager.uploadFailed(key.callId);
        }
        throw err;
      }
    },
  );

  // body-parser's refusal of a chunk over the limit, as our own error body.
  router.use('/api/calls', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((err as { type?: unknown }).type === 'entity.too.large') {
      return sendError(
        res,
        'too-large',
        `a chunk may be at most ${LIMITS.maxRecordingChunkBytes} bytes`,
      );
    }
    next(err);
  });
  return router;
}

/** Adds each call's recording (from the index) to call log entries, for `GET /api/calls`. */
export async function withRecordings(
  index: RecordingIndex,
  calls: CallInfo[],
): Promise<CallInfo[]> {
  const rows = await index.getMany(calls.map((c) => c.id));
  return calls.map((call) => {
    const row = rows.get(call.id);
    return row ? { ...call, recording: row.recording } : call;
  });
}

function index(value: unknown, max: number): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,7}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= max ? n : undefined;
}

/** One `bytes=` range (the only kind players send); null for none, 'invalid' when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}
