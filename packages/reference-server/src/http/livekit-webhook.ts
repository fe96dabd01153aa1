import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { RoomEvents } from '../calls/room-events';
import type { Metrics } from '../metrics';
import { loadLiveKitSdk } from '../optional-deps';
import type { LiveKitOptions } from '../options';
import { sendError } from './rest';

export interface LiveKitWebhookDeps {
  options: LiveKitOptions;
  rooms: RoomEvents;
  metrics: Metrics;
  logger: Logger;
}

/** How many event ids are remembered for de-duplication (LiveKit retries failed deliveries). */
const SEEN_LIMIT = 5000;

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
  const seen = new Set<string>();

  return async (req: Request, res: Response): Promise<void> => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let event;
    try {
      event = await (await receiver).receive(body, req.headers.authorization);
    } catch {
      return sendError(res, 'unauthorized', 'invalid webhook signature');
    }
    // Marked before handling so that a concurrent copy of the same event is ignored, and
    // forgotten again when handling fails, so that LiveKit's retry of it is processed.
    const id = event.id;
    if (id) {
      if (seen.has(id)) {
        res.json({ ok: true, duplicate: true });
        return;
      }
      seen.add(id);
      // A Set iterates in insertion order: dropping the first entry drops the oldest.
      if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
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
      if (id) seen.delete(id);
      throw err;
    }
    res.json({ ok: true });
  };
}
