import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SynapseCallErrorEvent } from '../events/call-error';
import { SynapseHistoryLoadEvent } from '../events/history-load';
import type {
  Call,
  CallEndReason,
  CallInfo,
  CallRecording,
  SynapseClient,
} from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';
import type { ClientController } from './client-controller';

/** One row of the history, already interpreted for the signed-in user. */
export interface HistoryEntry {
  id: string;
  direction: 'incoming' | 'outgoing';
  peer: { id: string; name: string; role: string };
  state: CallInfo['state'];
  endReason: CallEndReason | undefined;
  /** When the call was placed (ms since the epoch). */
  at: number;
  /** Seconds talked; 0 when the call was never answered. */
  duration: number;
  /** The call's recording, when someone asked to record it. */
  recording: CallRecording | undefined;
}

/** Turns a server call record into a row from `userId`'s point of view. */
export function toEntry(call: CallInfo, userId: string | undefined): HistoryEntry {
  let outgoing = call.from.id === userId;
  let duration =
    call.answeredAt && call.endedAt ? Math.max(0, (call.endedAt - call.answeredAt) / 1000) : 0;
  // An agent who transferred the call on is on neither end now. Their side is the one whose
  // last leg holds it; they talked for their own leg.
  const leg =
    outgoing || call.to.id === userId ? undefined : call.legs?.find((l) => l.party.id === userId);
  if (leg) {
    outgoing = call.legs?.at(-1)?.party.id === call.from.id;
    duration = Math.max(0, ((leg.until ?? call.endedAt ?? leg.from) - leg.from) / 1000);
  }
  return {
    id: call.id,
    direction: outgoing ? 'outgoing' : 'incoming',
    peer: outgoing ? call.to : call.from,
    state: call.state,
    endReason: call.endReason,
    at: call.createdAt,
    duration,
    recording: call.recording,
  };
}

/**
 * Where loading the history stands. These are @lit/task's statuses, and `render` is its shape,
 * without the package: it would add 0.85 KiB gz to the bundle for this one load.
 */
export type HistoryStatus = 'initial' | 'pending' | 'complete' | 'error';

/** A view per status, as `Task.render` takes them; a missing one renders nothing. */
export interface HistoryStatusViews<T> {
  initial?: () => T;
  pending?: () => T;
  complete?: () => T;
  error?: (error: unknown) => T;
}

/**
 * Loads the signed-in user's call history a page at a time (`fetchCallHistory` with the
 * `nextCursor` of the previous page) and reloads the first page when a call starts, changes state or
 * ends, or the client (re)connects. What the client already knows of a call (`call.info`, the
 * server's record from its last event) shows in the call's row at once, so that a hung-up call
 * reads ended in the render after `call-ended` rather than after the reload's round trip. Starts
 * over whenever the host's client changes.
 */
export class CallHistoryController implements ReactiveController {
  entries: HistoryEntry[] = [];
  /** `initial` until a page is asked for; `complete` or `error` after the last load. */
  private status: HistoryStatus = 'initial';
  private failure: unknown;
  private cursor: string | null = null;
  /** Bumped by every load and client change, so that only the newest load lands. */
  private generation = 0;
  private client: SynapseClient | undefined;
  private off: Unsubscribe[] = [];
  /**
   * Files that became ready while the page was open (`recordingChanged`): a page of history
   * requested before then answers without the file and must not hide it when it arrives later.
   */
  private readonly ready = new Map<string, CallRecording>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly clients: ClientController,
    private readonly pageSize: () => number,
  ) {
    host.addController(this);
  }

  get hasMore(): boolean {
    return this.cursor !== null;
  }

  get loading(): boolean {
    return this.status === 'pending';
  }

  /** The view for the current status. */
  render<T>(views: HistoryStatusViews<T>): T | undefined {
    if (this.status === 'error') return views.error?.(this.failure);
    return views[this.status]?.();
  }

  hostUpdate(): void {
    if (this.clients.client !== this.client) this.follow(this.clients.client);
  }

  hostDisconnected(): void {
    this.follow(undefined);
  }

  /** Replaces the list with the newest page. */
  async reload(): Promise<void> {
    await this.load(null);
  }

  /** Appends the next page. */
  async loadMore(): Promise<void> {
    if (!this.cursor || this.loading) return;
    await this.load(this.cursor);
  }

  /** Drops the previous client (and any page still loading from it), then attaches `client`. */
  private follow(client: SynapseClient | undefined): void {
    for (const off of this.off) off();
    this.off = [];
    this.generation++;
    // The dropped page will never arrive, so nothing is loading any more.
    if (this.status === 'pending') this.status = 'initial';
    this.client = client;
    if (client) this.off = this.attach(client);
  }

  /** Subscribes to `client` and loads the first page once connected. */
  private attach(client: SynapseClient): Unsubscribe[] {
    this.entries = [];
    this.ready.clear();
    this.cursor = null;
    this.status = 'initial';
    const reload = () => void this.reload();
    if (client.connectionState === 'connected') reload();
    // Calls in progress are part of the history too (the server lists them), so reload when a
    // call appears or changes state — not on every snapshot change (mute, levels, quality).
    let callsKey = '';
    const reloadIfCallsMoved = () => {
      const key = client.calls.all.map((c) => `${c.id}:${c.state}`).join(',');
      if (key === callsKey) return;
      callsKey = key;
      for (const call of client.calls.all) this.show(client, call);
      reload();
    };
    return [
      client.on('callEnded', (call) => {
        // Ended by the server, not just here (answered in another tab, disconnect()).
        if (call.info.state === 'ended') this.show(client, call);
        reload();
      }),
      client.on('callsChanged', reloadIfCallsMoved),
      client.on('connectionStateChanged', () => {
        if (client.connectionState === 'connected') reload();
      }),
      // A recording's file is ready after its call ended: mark the row then.
      client.on('recordingChanged', (callId, recording) => {
        if (recording.file) this.ready.set(callId, recording);
        if (!this.entries.some((e) => e.id === callId)) return;
        this.entries = this.entries.map((e) => (e.id === callId ? { ...e, recording } : e));
        this.host.requestUpdate();
      }),
    ];
  }

  /** Puts the server's record of `call` in its row now (a new call goes on top). */
  private show(client: SynapseClient, call: Call): void {
    const entry = toEntry(call.info, client.user?.id);
    const index = this.entries.findIndex((e) => e.id === entry.id);
    const current = this.entries[index];
    if (current && current.state === entry.state && current.endReason === entry.endReason) return;
    this.entries =
      index < 0 ? [entry, ...this.entries] : this.entries.map((e, i) => (i === index ? entry : e));
    this.host.requestUpdate();
  }

  private withReady(entry: HistoryEntry): HistoryEntry {
    const ready = this.ready.get(entry.id);
    return ready && !entry.recording?.file ? { ...entry, recording: ready } : entry;
  }

  /** Loads the first page (`cursor` null, replaces the list) or the next one (appends). */
  private async load(cursor: string | null): Promise<void> {
    const client = this.client;
    if (!client) return;
    const generation = ++this.generation;
    this.status = 'pending';
    this.host.requestUpdate();
    try {
      const page = await client.fetchCallHistory({
        limit: this.pageSize(),
        ...(cursor ? { cursor } : {}),
      });
      if (generation !== this.generation) return;
      const userId = client.user?.id;
      const rows = page.calls.map((c) => this.withReady(toEntry(c, userId)));
      if (cursor) {
        const seen = new Set(this.entries.map((e) => e.id));
        this.entries = [...this.entries, ...rows.filter((r) => !seen.has(r.id))];
      } else {
        this.entries = rows;
      }
      this.cursor = page.nextCursor;
      this.host.dispatchEvent(
        new SynapseHistoryLoadEvent({ count: this.entries.length, hasMore: this.hasMore }),
      );
      this.status = 'complete';
    } catch (error) {
      if (generation !== this.generation) return;
      this.failure = error;
      this.host.dispatchEvent(SynapseCallErrorEvent.from(error, 'history'));
      this.status = 'error';
    }
    this.host.requestUpdate();
  }
}
