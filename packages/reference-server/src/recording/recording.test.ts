import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallInfo, CallListResponse, CallRecording } from '@synapse-calling/protocol';
import {
  agent,
  customer,
  emitAck,
  ringCall,
  useTestServers,
  waitFor,
  waitForEvent,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import {
  decodeAudio,
  findsTones,
  webmTone,
} from '@synapse-calling/test-utils/media/recorded-audio';
import type { CallEvent, RecordingOptions } from '../options';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const start = useTestServers();

/** A server with recording on and its data (call log, recordings) in a fresh directory. */
async function recordingServer(recording: RecordingOptions = {}, events: CallEvent[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'synapse-rec-test-'));
  dirs.push(dataDir);
  const server = await start({
    dataDir,
    recording: { uploadGraceMs: 2_000, ...recording },
    onCallEvent: (e) => void events.push(e),
  });
  return { server, dataDir, files: () => listFiles(join(dataDir, 'recordings')) };
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

/** alice (agent) calls carol (customer), who answers: an active P2P call. */
async function activeCall(server: TestServer, tenant = 'acme') {
  const alice = await server.connect(agent('alice', tenant));
  const carol = await server.connect(customer('carol', tenant));
  const call = await ringCall(alice, carol, 'carol');
  const accepted = await emitAck(carol, 'accept-call', { callId: call.id });
  if (!accepted.ok) throw new Error(accepted.error.code);
  return { alice, carol, call };
}

async function api(
  server: TestServer,
  path: string,
  who: { sub: string; tenant?: string; role?: 'agent' | 'customer' } | null,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (who) {
    const token = await server.mintToken({
      sub: who.sub,
      tenant: who.tenant ?? 'acme',
      role: who.role ?? 'agent',
    });
    headers.set('authorization', `Bearer ${token}`);
  }
  return fetch(`${server.url}${path}`, { ...init, headers });
}

const ALICE = { sub: 'alice' };
const CAROL = { sub: 'carol', role: 'customer' as const };

/** Uploads `webm` as one part in chunks of `size` bytes, the last one marked. */
async function uploadPart(server: TestServer, callId: string, webm: Buffer, size = 4096) {
  const res = await api(server, `/api/calls/${callId}/recording/parts`, ALICE, { method: 'POST' });
  expect(res.status).toBe(201);
  const { part } = (await res.json()) as { part: number };
  const chunks = Math.ceil(webm.length / size);
  for (let seq = 0; seq < chunks; seq++) {
    const last = seq === chunks - 1 ? '?last=1' : '';
    const put = await api(
      server,
      `/api/calls/${callId}/recording/parts/${part}/chunks/${seq}${last}`,
      ALICE,
      {
        method: 'PUT',
        body: new Uint8Array(webm.subarray(seq * size, (seq + 1) * size)),
      },
    );
    expect(put.status).toBe(200);
  }
  return part;
}

async function recordingOf(server: TestServer, who: typeof ALICE, callId: string) {
  const res = await api(server, '/api/calls?limit=5', who);
  const { calls } = (await res.json()) as CallListResponse;
  return calls.find((c: CallInfo) => c.id === callId)?.recording;
}

function changed(socket: TestClient, status: CallRecording['status']) {
  return waitForEvent(socket, 'recording-changed', { filter: (p) => p.state.status === status });
}

describe('call recording on the server (P2P uploads)', () => {
  it('an agent records: both parties are told, the browser uploads, the file is ready for both', async () => {
    const events: CallEvent[] = [];
    const { server } = await recordingServer({}, events);
    const { alice, carol, call } = await activeCall(server);

    const refused = await emitAck(carol, 'start-recording', { callId: call.id });
    expect(refused.ok || refused.error.code).toBe('recording-not-allowed');

    const told = [changed(alice, 'recording'), changed(carol, 'recording')];
    const ack = await emitAck(alice, 'start-recording', { callId: call.id });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.recording).toMatchObject({
      status: 'recording',
      startedBy: 'alice',
      uploader: 'alice',
    });
    for (const event of await Promise.all(told)) {
      expect(event).toMatchObject({ callId: call.id, recording: true, by: 'alice' });
    }

    await uploadPart(server, call.id, webmTone(440, 3));
    const stopped = await emitAck(alice, 'stop-recording', { callId: call.id });
    expect(stopped.ok && stopped.recording.status).toBe('stopped');
    await waitFor(async () => (await recordingOf(server, ALICE, call.id))?.file !== undefined);
    const recording = await recordingOf(server, CAROL, call.id);
    expect(recording?.file).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', partial: false });
    expect(Math.abs((recording?.file?.durationMs ?? 0) - 3000)).toBeLessThan(200);
    await waitFor(() => events.some((e) => e.type === 'recording.ready'));

    // Both parties download; a range request gets 206 and just those bytes.
    const whole = await api(server, recording!.file!.url, CAROL);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(recording?.file?.size);
    expect(findsTones(decodeAudio(bytes), [440])).toBe(true);
    const part = await api(server, recording!.file!.url, ALICE, {
      headers: { range: 'bytes=10-99' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 100));
  });

  it('only the parties of the same tenant download; others get 404, no token 401', async () => {
    const { server } = await recordingServer();
    const { alice, call } = await activeCall(server);
    await emitAck(alice, 'start-recording', { callId: call.id });
    await uploadPart(server, call.id, webmTone(440, 1));
    await emitAck(alice, 'end-call', { callId: call.id });
    await waitFor(async () => (await recordingOf(server, ALICE, call.id))?.file !== undefined);
    const url = `/api/calls/${call.id}/recording`;
    expect((await api(server, url, ALICE)).status).toBe(200);
    expect((await api(server, url, { sub: 'bob' })).status).toBe(404);
    expect((await api(server, url, { sub: 'alice', tenant: 'globex' })).status).toBe(404);
    expect((await api(server, url, null)).status).toBe(401);
    expect((await api(server, '/api/calls/nope/recording', ALICE)).status).toBe(404);
  });

  it('consent required: the customer declines, nothing is recorded and the log says declined', async () => {
    const { server, files } = await recordingServer({ requireConsent: (t) => t === 'acme' });
    const { alice, carol, call } = await activeCall(server);
    const asked = changed(carol, 'consent-pending');
    const ack = await emitAck(alice, 'start-recording', { callId: call.id });
    expect(ack.ok && ack.recording).toMatchObject({
      status: 'consent-pending',
      consentFrom: 'carol',
    });
    expect((await asked).recording).toBe(false);
    // Nobody uploads before consent.
    const early = await api(server, `/api/calls/${call.id}/recording/parts`, ALICE, {
      method: 'POST',
    });
    expect(early.status).toBe(403);
    const declined = changed(alice, 'declined');
    const answer = await emitAck(carol, 'recording-consent', { callId: call.id, accept: false });
    expect(answer.ok && answer.recording).toMatchObject({ status: 'declined', stoppedBy: 'carol' });
    await declined;
    await emitAck(alice, 'end-call', { callId: call.id });
    expect(await recordingOf(server, ALICE, call.id)).toMatchObject({ status: 'declined' });
    expect(files()).toEqual([]);
  });

  it('consent required: the customer accepts and the call is recorded', async () => {
    const { server } = await recordingServer({ requireConsent: true });
    const { alice, carol, call } = await activeCall(server);
    await emitAck(alice, 'start-recording', { callId: call.id });
    const recording = changed(alice, 'recording');
    await emitAck(carol, 'recording-consent', { callId: call.id, accept: true });
    expect((await recording).state.uploader).toBe('alice');
    await uploadPart(server, call.id, webmTone(440, 1));
    await emitAck(carol, 'end-call', { callId: call.id });
    await waitFor(async () => (await recordingOf(server, ALICE, call.id))?.file !== undefined);
  });

  it('hostile uploads get a clear error and nothing is stored', async () => {
    const { server, files } = await recordingServer({ maxBytes: 20_000 });
    const { alice, call } = await activeCall(server);
    const base = `/api/calls/${call.id}/recording/parts`;
    // Not a party (same tenant, other tenant): 404 before anything starts.
    expect((await api(server, base, { sub: 'bob' }, { method: 'POST' })).status).toBe(404);
    await emitAck(alice, 'start-recording', { callId: call.id });
    expect(
      (await api(server, base, { sub: 'alice', tenant: 'globex' }, { method: 'POST' })).status,
    ).toBe(404);
    // The other party is not the uploader.
    const notUploader = await api(server, base, CAROL, { method: 'POST' });
    expect(notUploader.status).toBe(403);
    expect(((await notUploader.json()) as { error: { code: string } }).error.code).toBe(
      'recording-not-allowed',
    );
    const { part } = (await (await api(server, base, ALICE, { method: 'POST' })).json()) as {
      part: number;
    };
    const put = (seq: number, body: Uint8Array) =>
      api(server, `${base}/${part}/chunks/${seq}`, ALICE, {
        method: 'PUT',
        body: new Uint8Array(body),
      });
    // Not WebM; out of order; over the chunk limit; over the recording's limit.
    expect((await put(0, Buffer.from('hello, this is not audio'))).status).toBe(400);
    const webm = webmTone(440, 8);
    expect((await put(3, webm.subarray(0, 1000))).status).toBe(409);
    const huge = await put(0, Buffer.alloc(300 * 1024, 1));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('too-large');
    expect(files()).toEqual([]);
    expect((await put(0, webm.subarray(0, 15_000))).status).toBe(200);
    expect((await put(0, webm.subarray(0, 15_000))).status).toBe(200); // a retry: idempotent
    const over = await put(1, webm.subarray(15_000, 25_000));
    expect(over.status).toBe(413);
    expect(files()).toEqual(['chunk-p0000-s000000.webm']);
    // Past its limit the recording failed; the call goes on.
    await waitFor(async () => (await recordingOf(server, ALICE, call.id))?.status === 'failed');
    expect((await server.synapse.stores.registry.get(call.id))?.call.state).toBe('active');
  });

  it('a P2P recording goes on across a server restart; the end of its call finalises it', async () => {
    const { server, dataDir } = await recordingServer();
    const { alice, call } = await activeCall(server);
    await emitAck(alice, 'start-recording', { callId: call.id });
    await uploadPart(server, call.id, webmTone(440, 2));
    await server.close();
    const next = await start({ dataDir, recording: { uploadGraceMs: 500 }, reconnectGraceMs: 200 });
    // The call comes back for its grace window, nobody returns, it ends; the recording is kept.
    await waitFor(async () => (await recordingOf(next, ALICE, call.id))?.file !== undefined, {
      timeoutMs: 15_000,
    });
    const recording = await recordingOf(next, ALICE, call.id);
    expect(recording?.status).toBe('stopped');
    expect(Math.abs((recording?.file?.durationMs ?? 0) - 2000)).toBeLessThan(200);
  });

  it('retention deletes old recordings, files and rows', async () => {
    const { server, files } = await recordingServer({ retentionDays: 1 });
    const { alice, call } = await activeCall(server);
    await emitAck(alice, 'start-recording', { callId: call.id });
    await uploadPart(server, call.id, webmTone(440, 1));
    await emitAck(alice, 'end-call', { callId: call.id });
    await waitFor(async () => (await recordingOf(server, ALICE, call.id))?.file !== undefined);
    expect(files()).toEqual(['recording.ogg']);
    expect(await server.synapse.recordings?.prune(Date.now() + 2 * 24 * 3600 * 1000)).toBe(1);
    expect(files()).toEqual([]);
    expect(await recordingOf(server, ALICE, call.id)).toBeUndefined();
    expect((await api(server, `/api/calls/${call.id}/recording`, ALICE)).status).toBe(404);
  });

  it('records automatically: per tenant, or per call when an allowed caller asks in metadata', async () => {
    const { server } = await recordingServer({ auto: (tenant) => tenant === 'auto-co' });
    /** The call's recording as `socket`'s `sync` shows it (the live call). */
    const live = async (socket: TestClient, callId: string) => {
      const ack = await emitAck(socket, 'sync', {});
      if (!ack.ok) throw new Error(ack.error.code);
      return ack.calls.find((c) => c.call.id === callId)?.call.recording;
    };
    // The tenant's setting: recording starts as the call is answered, for its agent.
    const auto = await activeCall(server, 'auto-co');
    await waitFor(async () => (await live(auto.carol, auto.call.id))?.status === 'recording');
    expect(await live(auto.carol, auto.call.id)).toMatchObject({ startedBy: 'alice' });

    // Elsewhere, only when asked: by an agent (canRecord), not by a customer.
    const alice = await server.connect(agent('alice'));
    const carol = await server.connect(customer('carol'));
    const asked = await emitAck(alice, 'initiate-call', {
      to: 'carol',
      metadata: { record: true },
    });
    if (!asked.ok) throw new Error(asked.error.code);
    const recorded = changed(carol, 'recording');
    await emitAck(carol, 'accept-call', { callId: asked.call.id });
    expect((await recorded).state).toMatchObject({ startedBy: 'alice', uploader: 'alice' });
    await emitAck(carol, 'end-call', { callId: asked.call.id });

    const byCustomer = await emitAck(carol, 'initiate-call', {
      to: 'alice',
      metadata: { record: true },
    });
    if (!byCustomer.ok) throw new Error(byCustomer.error.code);
    await emitAck(alice, 'accept-call', { callId: byCustomer.call.id });
    // Queued behind the call's activation on the server: nothing was started, nothing to stop.
    const stop = await emitAck(alice, 'stop-recording', { callId: byCustomer.call.id });
    expect(stop.ok || stop.error.code).toBe('invalid-state');
    expect(await live(alice, byCustomer.call.id)).toBe(undefined);
  });

  it('the recording routes count against the REST limits', async () => {
    const server = await start({ recording: {}, restRateLimit: { perUserPerSecond: 5 } });
    const path = `/api/calls/${crypto.randomUUID()}/recording`;
    // Twelve of each: one budget window or two let at most ten through, so both kinds meet 429.
    const answers = await Promise.all([
      ...Array.from({ length: 12 }, () => api(server, path, ALICE)),
      ...Array.from({ length: 12 }, (_, seq) =>
        api(server, `${path}/parts/0/chunks/${seq}`, ALICE, {
          method: 'PUT',
          body: new Uint8Array(16),
        }),
      ),
    ]);
    const limited = (from: number) =>
      answers.slice(from, from + 12).filter((r) => r.status === 429);
    expect(limited(0).length).toBeGreaterThanOrEqual(2);
    expect(limited(12).length).toBeGreaterThanOrEqual(2);
    expect(Number(limited(12)[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited(12)[0]?.json()).toMatchObject({ error: { code: 'rate-limited' } });
  });

  it('a server without the recording setting refuses to record', async () => {
    const server = await start();
    const { alice, call } = await activeCall(server);
    const ack = await emitAck(alice, 'start-recording', { callId: call.id });
    expect(ack.ok || ack.error.code).toBe('recording-not-allowed');
  });
});
