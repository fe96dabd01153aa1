import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import type { RoomEvents } from '../calls/room-events';
import type { Metrics } from '../metrics';
import { loadLiveKitSdk } from '../optional-deps';
import { DEFAULTS, type LiveKitOptions } from '../options';
import type { ClaimStore } from '../stores/claim-store';
import { sendError } from './rest';

export interface LiveKitWebhookDeps {
  options: LiveKitOptions;
  rooms: RoomEvents;
  metrics: Metrics;
  logger: Logger;
  /** Event ids seen, shared by every node in Redis mode (a retry may land on another node). */
  claims: ClaimStore;
}

/**
 * `POST /api/livekit/webhook`: LiveKit's signed events. The signature is a JWT in the
 * Authorization header whose `sha256` claim is the hash of the exact body bytes, hence the raw
 * body parser on this route.
 */
export function liveKitWebhookRoute(deps: LiveKitWebhookDeps) {
  // Loaded (or refused with a clear error) when the server started with LiveKit; cached since.
  const receiver = loadLiveKitSdk().then(
    (sdk) => new sdk.WebhookReceiver(deps.options.apiKey, deps.options.apiSecret),
  );
  const maxAgeSec = deps.options.webhookMaxAgeSec ?? DEFAULTS.livekitWebhookMaxAgeSec;
  // An id is remembered at least as long as its signature is accepted: a replay of a captured
  // delivery is either a known duplicate or too old.
  const rememberMs = (maxAgeSec + 60) * 1000;

  return async (req: Request, res: Response): Promise<void> => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let event;
    try {
      event = await (await receiver).receive(body, req.headers.authorization);
    } catch {
      return sendError(res, 'unauthorized', 'invalid webhook signature');
    }
    if (!signedWithin(req.headers.authorization, maxAgeSec)) {
      return sendError(res, 'unauthorized', 'webhook signature too old');
    }
    // Without an id a retry cannot be told from a new event, nor a replay from either.
    const id = event.id;
    if (!id) return sendError(res, 'invalid-payload', 'the webhook event has no id');
    // Claimed before handling so that a concurrent copy of the same event is ignored, and
    // released when handling fails, so that LiveKit's retry of it is processed.
    const claim = `livekit-webhook:${id}`;
    if (!(await deps.claims.claim(claim, rememberMs))) {
      res.json({ ok: true, duplicate: true });
      return;
    }
    try {
      deps.metrics.livekitWebhooks.inc({ event: event.event || 'unknown' });
      const room = event.room?.name;
      const identity = event.participant?.identity;
      deps.logger.debug({ event: event.event, room, identity }, 'livekit webhook');
      if (room && identity) {
        if (
          event.event === 'participant_left' ||
          event.event === 'participant_connection_aborted'
        ) {
          await deps.rooms.participantLeft(room, identity);
        } else if (event.event === 'participant_joined') {
          await deps.rooms.participantJoined(room, identity);
        }
      }
    } catch (err) {
      await deps.claims.release(claim);
      throw err;
    }
    res.json({ ok: true });
  };
}

/**
 * Whether the (already verified) signature token was made at most `maxAgeSec` ago. livekit-server
 * sets `iat` and `nbf` to the moment it signs and lets the token live 5 minutes; tokens made
 * elsewhere may live far longer, which would make a captured delivery replayable for that long.
 */
function signedWithin(authorization: string | undefined, maxAgeSec: number): boolean {
  try {
    const { iat, nbf } = decodeJwt(authorization ?? '');
    const signedAt = iat ?? nbf;
    return typeof signedAt === 'number' && Date.now() / 1000 - signedAt <= maxAgeSec;
  } catch {
    return false;
  }
}
