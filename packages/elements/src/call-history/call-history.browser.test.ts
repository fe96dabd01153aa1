import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { CallInfo, CallRecording, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import '../index';
import type { SynapseCallButton } from '../call-button/call-button';
import {
  freshUsers,
  a11y,
  FakeStaticClient,
  nextEvent,
  recordEvents,
  clientFor,
  connectUser,
  disconnectAll,
  until,
  type TestUser,
} from '@synapse-calling/test-utils/elements';
import type { SynapseCallHistory } from './call-history';

function parts(el: SynapseCallHistory, name: string): HTMLElement[] {
  return [...(el.shadowRoot?.querySelectorAll<HTMLElement>(`[part=${name}]`) ?? [])];
}

function texts(el: SynapseCallHistory, name: string): string[] {
  return parts(el, name).map((p) => p.textContent?.replace(/\s+/g, ' ').trim() ?? '');
}

/** Ada calls Carl twice: a call Carl answers (then Ada hangs up) and one Ada cancels. */
async function history(): Promise<{
  caller: SynapseClient;
  callee: SynapseClient;
  customer: TestUser;
}> {
  const { agent, customer } = freshUsers();
  const caller = await connectUser(agent);
  const callee = await connectUser(customer);
  const answered = await caller.call(customer.id);
  const theirs = await until(() => callee.calls.incoming[0], { client: callee, what: 'incoming' });
  await theirs.accept();
  await until(() => answered.state === 'active', { client: caller, what: 'active' });
  await answered.end();
  await until(() => !callee.calls.incoming.length && !callee.calls.active, {
    client: callee,
    what: 'idle',
  });
  const cancelled = await caller.call(customer.id);
  await until(() => callee.calls.incoming[0], { client: callee, what: 'second incoming' });
  await cancelled.end();
  await until(() => !callee.calls.incoming.length, { client: callee, what: 'no incoming' });
  return { caller, callee, customer };
}

async function mount(client: SynapseClient, limit = 20, lang = 'en'): Promise<SynapseCallHistory> {
  const wrapper = await fixture<HTMLDivElement>(
    html`<div lang=${lang}>
      <synapse-call-history limit=${limit} .client=${client}></synapse-call-history>
    </div>`,
  );
  const el = wrapper.querySelector('synapse-call-history') as SynapseCallHistory;
  await until(() => el.entries.length > 0 && !el.hasAttribute('loading'), { what: 'first page' });
  await el.updateComplete;
  return el;
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-call-history>', () => {
  describe('properties', () => {
    it('lists recent calls with direction, outcome, duration and relative time', async () => {
      const { caller } = await history();
      const el = await mount(caller);
      expect(el.entries).toHaveLength(2);
      expect(texts(el, 'peer')).toEqual(['Carl Customer', 'Carl Customer']);
      expect(texts(el, 'outcome')).toEqual(['Cancelled', 'Completed']);
      expect(parts(el, 'direction').map((d) => d.title)).toEqual(['Outgoing', 'Outgoing']);
      expect(texts(el, 'direction')[0]).toBe('↗Outgoing'); // arrow hidden from screen readers
      // Only the answered call has a duration.
      expect(parts(el, 'duration')).toHaveLength(1);
      expect(texts(el, 'duration')[0]).toMatch(/^\d+:\d\d$/);
      expect(texts(el, 'time')[0]).toBe('now');
      expect(parts(el, 'time')[0].getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(el.shadowRoot?.querySelector('[part=title]')?.textContent).toBe('Recent calls');
    });

    it('keeps a call the agent transferred on: their customer, their direction, their own talk time', async () => {
      const { agent, customer, other } = freshUsers();
      const ada = await connectUser(agent);
      const carl = await connectUser(customer);
      const otto = await connectUser(other);
      const call = await ada.call(customer.id);
      const carls = await until(() => carl.calls.incoming[0], { client: carl, what: 'incoming' });
      await carls.accept();
      await until(() => call.state === 'active', { client: ada, what: 'active' });
      await call.transfer({ to: other.id });
      const ottos = await until(() => otto.calls.incoming[0], { client: otto, what: 'transfer' });
      await ottos.accept();
      await until(() => call.state === 'ended', { client: ada, what: 'handed over' });
      await ottos.end();
      await until(() => !carl.calls.active, { client: carl, what: 'call over' });

      // The row's other end is Otto now (he took Ada's side); Ada still sees her call to Carl.
      const el = await mount(ada);
      expect(texts(el, 'peer')).toEqual(['Carl Customer']);
      expect(parts(el, 'direction').map((d) => d.title)).toEqual(['Outgoing']);
      expect(texts(el, 'outcome')).toEqual(['Completed']);
      const theirs = await mount(otto);
      expect(texts(theirs, 'peer')).toEqual(['Carl Customer']);
    });

    it('pages with "Load more" through nextCursor', async () => {
      const { caller } = await history();
      const el = await mount(caller, 1);
      expect(el.entries).toHaveLength(1);
      expect(el.hasMore).toBe(true);
      expect(texts(el, 'outcome')).toEqual(['Cancelled']);
      const loaded = nextEvent(el, 'synapse-history-load');
      (parts(el, 'load-more')[0] as HTMLButtonElement).click();
      expect((await loaded).detail.count).toBe(2);
      await el.updateComplete;
      expect(texts(el, 'outcome')).toEqual(['Cancelled', 'Completed']);
      // Keep paging until the server says there is no more; nothing is listed twice.
      while (el.hasMore) {
        const more = nextEvent(el, 'synapse-history-load');
        (parts(el, 'load-more')[0] as HTMLButtonElement).click();
        await more;
      }
      await el.updateComplete;
      expect(el.entries).toHaveLength(2);
      expect(parts(el, 'load-more')).toHaveLength(0);
    });

    it('separates outcome · duration · time and keeps a row readable 300px wide', async () => {
      const now = Date.now();
      const me = { id: 'me', name: 'Me', role: 'agent' as const };
      const bart = { id: 'bart', name: 'Bartholomew Longname-Smythe', role: 'customer' as const };
      const fake = new FakeStaticClient(
        { bart: { userId: 'bart', status: 'offline', lastSeen: now } },
        [
          {
            id: 'c1',
            from: me,
            to: bart,
            state: 'ended',
            createdAt: now - 7 * 60_000,
            answeredAt: now - 7 * 60_000 + 1000,
            endedAt: now - 7 * 60_000 + 4000,
            endReason: 'completed',
          },
        ],
      );
      const wrapper = await fixture<HTMLDivElement>(
        html`<div style="width: 300px">
          <synapse-call-history .client=${fake.asClient()}></synapse-call-history>
        </div>`,
      );
      const el = wrapper.querySelector('synapse-call-history') as SynapseCallHistory;
      await until(() => el.entries.length > 0 && !el.hasAttribute('loading'), { what: 'rows' });
      await el.updateComplete;
      const [outcome] = parts(el, 'outcome');
      const [duration] = parts(el, 'duration');
      const [time] = parts(el, 'time');
      // Separators come from CSS (textContent stays "Completed", "0:03", …).
      expect(texts(el, 'meta')).toEqual(['Completed 0:03 7 minutes ago']);
      expect(getComputedStyle(outcome, '::after').content).toContain('·');
      expect(getComputedStyle(duration, '::after').content).toContain('·');
      expect(getComputedStyle(time, '::after').content).toBe('none');
      expect(getComputedStyle(duration).fontVariantNumeric).toBe('tabular-nums');
      // The disabled call back and its hint move under the text instead of squeezing it: the
      // meta stays on one line, each part whole.
      const [meta] = parts(el, 'meta');
      expect(meta.getBoundingClientRect().height).toBeLessThan(
        1.5 * outcome.getBoundingClientRect().height,
      );
      const [callBack] = parts(el, 'call-back');
      expect(callBack.getBoundingClientRect().top).toBeGreaterThanOrEqual(
        meta.getBoundingClientRect().bottom,
      );
      expect(el.getBoundingClientRect().right).toBeLessThanOrEqual(
        wrapper.getBoundingClientRect().right,
      );
      await a11y(el).to.be.accessible();
    });

    it('drops the page still loading when its client is replaced', async () => {
      const { caller } = await history();
      const { agent } = freshUsers();
      const notYetConnected = await clientFor(agent);
      const el = await fixture<SynapseCallHistory>(
        html`<synapse-call-history .client=${caller}></synapse-call-history>`,
      );
      expect(el.hasAttribute('loading')).toBe(true);
      const loads = recordEvents(el, 'synapse-history-load');
      el.client = notYetConnected;
      await el.updateComplete;
      expect(el.hasAttribute('loading')).toBe(false);
      // A page asked for later of the same server comes back after the dropped one.
      await caller.fetchCallHistory({ limit: 1 });
      await el.updateComplete;
      expect(loads).toEqual([]);
      expect(el.entries).toEqual([]);
      expect(parts(el, 'empty')).toEqual([]);
    });

    it('speaks German', async () => {
      const { caller } = await history();
      const el = await mount(caller, 20, 'de');
      expect(el.shadowRoot?.querySelector('[part=title]')?.textContent).toBe('Letzte Anrufe');
      expect(texts(el, 'outcome')).toEqual(['Abgebrochen', 'Beendet']);
      expect(parts(el, 'direction')[0].title).toBe('Ausgehend');
      expect(texts(el, 'time')[0]).toBe('jetzt');
    });

    it('is themed through --synapse-color-border and ::part(item)', async () => {
      const { caller } = await history();
      const style = document.createElement('style');
      style.textContent = `synapse-call-history.themed { --synapse-color-border: rgb(7, 8, 9); }
        synapse-call-history.themed::part(item) { padding-left: 5px; }`;
      document.head.append(style);
      try {
        const el = await mount(caller);
        el.classList.add('themed');
        const item = getComputedStyle(parts(el, 'item')[0]);
        expect(item.borderBottomColor).toBe('rgb(7, 8, 9)');
        expect(item.paddingLeft).toBe('5px');
      } finally {
        style.remove();
      }
    });
  });

  describe('events', () => {
    it('reloads when a call ends', async () => {
      const { caller, customer } = await history();
      const el = await mount(caller);
      const reloaded = nextEvent(el, 'synapse-history-load', {
        filter: (e) => e.detail.count === 3,
      });
      const call = await caller.call(customer.id);
      await call.end();
      await reloaded;
      await el.updateComplete;
      expect(texts(el, 'outcome')).toEqual(['Cancelled', 'Cancelled', 'Completed']);
    });

    it('shows a hung-up call ended on both sides in the render after call-ended, before any reload', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <synapse-call-history .client=${caller}></synapse-call-history>
          <synapse-call-history .client=${callee}></synapse-call-history>
        </div>`,
      );
      const [ours, theirs] = [...wrapper.querySelectorAll('synapse-call-history')];
      const call = await caller.call(customer.id);
      const ringing = await until(() => callee.calls.incoming[0], { what: 'incoming' });
      await ringing.accept();
      await until(() => texts(ours, 'outcome')[0] === 'In progress', { what: 'caller row active' });
      await until(() => texts(theirs, 'outcome')[0] === 'In progress', {
        what: 'callee row active',
      });

      const seen: string[] = [];
      for (const [who, client, el] of [
        ['caller', caller, ours],
        ['callee', callee, theirs],
      ] as const) {
        client.on('callEnded', () => {
          seen.push(`${who}: call-ended`);
          void el.updateComplete.then(() => {
            const row = `${texts(el, 'outcome')[0]} ${parts(el, 'duration').length}`;
            seen.push(`${who}: rendered ${row}`);
          });
        });
        // Only reloads after the event count: one started when the call became active may still
        // be landing on a busy machine, and says nothing about the render after call-ended.
        el.addEventListener('synapse-history-load', () => {
          if (seen.includes(`${who}: call-ended`)) seen.push(`${who}: reloaded`);
        });
      }
      await call.end();
      await until(() => seen.filter((s) => s.endsWith('reloaded')).length === 2, {
        what: 'both reloaded',
      });
      for (const who of ['caller', 'callee']) {
        const mine = seen.filter((s) => s.startsWith(who));
        // Ended, with its duration, in the very render after the event; the reload only confirms.
        expect(mine.slice(0, 3)).toEqual([
          `${who}: call-ended`,
          `${who}: rendered Completed 1`,
          `${who}: reloaded`,
        ]);
      }
    });

    it('keeps a recording file that became ready while an older page was loading', async () => {
      const now = Date.now();
      const me = { id: 'me', name: 'Me', role: 'agent' as const };
      const cleo = { id: 'cleo', name: 'Cleo', role: 'customer' as const };
      const stopped: CallRecording = { status: 'stopped', startedBy: 'me', startedAt: now };
      const call: CallInfo = {
        ...{ id: 'c1', from: me, to: cleo, state: 'ended', createdAt: now - 9000 },
        ...{ endedAt: now - 1000, endReason: 'completed', recording: stopped },
      };
      // A stand-in whose second page is held back until the file-ready event went by.
      const listeners = new Map<string, (...args: unknown[]) => void>();
      let release: () => void = () => undefined;
      let pages = 0;
      const fake = Object.assign(new FakeStaticClient({}, [call]), {
        on: (name: string, listener: (...args: unknown[]) => void) => {
          listeners.set(name, listener);
          return () => undefined;
        },
        fetchCallHistory: async () => {
          if (++pages > 1) await new Promise<void>((r) => (release = r));
          return { calls: [call], nextCursor: null };
        },
      });
      const el = await fixture<SynapseCallHistory>(
        html`<synapse-call-history .client=${fake.asClient()}></synapse-call-history>`,
      );
      await until(() => el.entries.length === 1, { what: 'first page' });
      listeners.get('connectionStateChanged')?.();
      const file = { url: '/api/calls/c1/recording', mimeType: 'audio/ogg; codecs=opus' };
      const ready = { ...stopped, file: { ...file, durationMs: 5000, size: 9, sha256: 'ab' } };
      listeners.get('recordingChanged')?.('c1', {
        ...ready,
        file: { ...ready.file, partial: false },
      });
      await el.updateComplete;
      expect(texts(el, 'recording-mark')).toEqual(['Recorded']);
      release();
      await until(() => pages === 2 && !el.hasAttribute('loading'), { what: 'second page' });
      await el.updateComplete;
      expect(texts(el, 'recording-mark')).toEqual(['Recorded']);
    });

    it('reports a refused page as synapse-call-error, retries, then says there are no calls', async () => {
      const { agent } = freshUsers();
      const client = await connectUser(agent);
      // The server serves 1–100 calls per page and answers 400 to anything else.
      const failed = nextEvent(document, 'synapse-call-error');
      const el = await fixture<SynapseCallHistory>(
        html`<synapse-call-history limit="500" .client=${client}></synapse-call-history>`,
      );
      expect((await failed).detail.action).toBe('history');
      await until(() => parts(el, 'error').length === 1 && !el.hasAttribute('loading'), {
        what: 'error shown',
      });
      expect(parts(el, 'error')[0].getAttribute('role')).toBe('alert');
      expect(texts(el, 'error')[0]).toContain('Could not load the call history.');
      expect(parts(el, 'empty')).toEqual([]);

      el.limit = 20;
      const loaded = nextEvent(el, 'synapse-history-load');
      parts(el, 'retry')[0].click();
      expect((await loaded).detail).toEqual({ count: 0, hasMore: false });
      await el.updateComplete;
      expect(parts(el, 'error')).toEqual([]);
      expect(texts(el, 'empty')).toEqual(['No calls yet.']);
      expect(el.hasAttribute('loading')).toBe(false);
    });

    it('calls back from a row; synapse-call-start bubbles out of the list', async () => {
      const { caller, callee, customer } = await history();
      const el = await mount(caller);
      const back = parts(el, 'call-back')[0] as SynapseCallButton;
      expect(back.tagName).toBe('SYNAPSE-CALL-BUTTON');
      expect(back.userId).toBe(customer.id);
      await until(() => back.state === 'idle', { what: 'call-back button enabled' });
      const start = nextEvent(document, 'synapse-call-start');
      back.shadowRoot?.querySelector('button')?.click();
      expect((await start).detail.userId).toBe(customer.id);
      const theirs = await until(() => callee.calls.incoming[0], {
        client: callee,
        what: 'incoming',
      });
      await theirs.reject();
    });
  });

  describe('accessibility', () => {
    it('passes axe with rows and a Load more button', async () => {
      const { caller } = await history();
      const el = await mount(caller, 1);
      await until(
        () => (parts(el, 'call-back')[0] as SynapseCallButton | undefined)?.state === 'idle',
        { what: 'call-back ready' },
      );
      await a11y(el).to.be.accessible();
      expect(parts(el, 'list')[0].tagName).toBe('OL');
    });
  });
});
