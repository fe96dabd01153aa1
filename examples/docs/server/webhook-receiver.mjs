// @ts-check
// The receiver from server.md, as a complete app: test/e2e/docs/snippets.test.ts posts signed,
// forged and stale deliveries to it.
import express from 'express';

export const app = express();
/** @type {unknown[]} */
export const received = [];
const saveCallEvent = (/** @type {unknown} */ event) => received.push(event);

// #region receiver
import { createHmac, timingSafeEqual } from 'node:crypto';

app.post('/hooks/calls', express.raw({ type: 'application/json' }), (req, res) => {
  const timestamp = req.get('x-synapse-timestamp') ?? '';
  const expected =
    'sha256=' +
    createHmac('sha256', process.env.SYNAPSE_WEBHOOK_SECRET ?? '')
      .update(`${timestamp}.${req.body.toString('utf8')}`)
      .digest('hex');
  const given = req.get('x-synapse-signature') ?? '';
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300; // reject replays
  if (
    !fresh ||
    given.length !== expected.length ||
    !timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  ) {
    return res.status(401).end();
  }
  const event = JSON.parse(req.body.toString('utf8'));
  saveCallEvent(event); // your code: store event.call, de-duplicated on event.id
  res.status(204).end();
});
// #endregion receiver
