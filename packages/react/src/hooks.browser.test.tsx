import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SynapseClient } from '@synapse-calling/sdk-core';
import {
  clientFor,
  connectUser,
  disconnectAll,
  freshUsers,
  mintToken,
  serverUrl,
  until,
} from '@synapse-calling/test-utils/elements';
import { SynapseProvider, useSynapseClient } from './index';
import { Panel, type RenderCounts } from './testing/panel';
import { captureConsoleErrors, mount, unmountAll } from './testing/mount';

// The hooks in Chromium against the real server: what a React page shows as the connection,
// presence and calls change, and that only the part that changed re-renders.
afterEach(async () => {
  unmountAll();
  await disconnectAll();
});

const q = (root: HTMLElement, selector: string) => root.querySelector<HTMLElement>(selector);

/** Waits until `selector` matches in `root` (React commits asynchronously). */
const shows = (root: HTMLElement, selector: string, what = selector) =>
  until(() => q(root, selector), { what });

const findButton = (root: HTMLElement, scope: string, label: string) =>
  [...(q(root, scope)?.querySelectorAll('button') ?? [])].find((b) => b.textContent === label);

function button(root: HTMLElement, scope: string, label: string): HTMLButtonElement {
  const found = findButton(root, scope, label);
  if (!found) throw new Error(`no ${label} button in ${scope}`);
  return found;
}

describe('SynapseProvider and the hooks', () => {
  it('connect on mount (StrictMode), follow presence, ring, answer, mute and hang up', async () => {
    const { agent, customer } = freshUsers();
    const ada = await clientFor(agent);
    const { container } = mount(
      <StrictMode>
        <SynapseProvider client={ada}>
          <Panel watch={[customer.id]} />
        </SynapseProvider>
      </StrictMode>,
    );

    // StrictMode runs the effect twice (connect, disconnect, connect): it must end connected.
    await shows(container, '[data-part=status][data-state=connected]', 'connected');
    expect(q(container, '[data-part=status]')?.textContent).toBe('connected as Ada Agent');
    await shows(container, `[data-user="${customer.id}"][data-status=offline]`, 'carl offline');
    const carl = await connectUser(customer);
    await shows(container, `[data-user="${customer.id}"][data-status=online]`, 'carl online');

    const outgoing = await carl.call(agent.id);
    await shows(container, `[data-part=ringing] li[data-from="${customer.id}"]`, 'ringing');
    expect(q(container, '[data-part=ringing] li')?.textContent).toContain(
      'Carl Customer is calling',
    );
    button(container, '[data-part=ringing] li', 'Answer').click();
    await shows(container, '[data-part=call][data-state=active]', 'active call');
    expect(q(container, '[data-part=ringing] li')).toBeNull();
    expect(q(container, '[data-part=call]')?.dataset.peer).toBe(customer.id);
    await until(() => outgoing.state === 'active', { client: carl, what: 'carl active' });

    button(container, '[data-part=call]', 'Mute').click();
    await until(() => findButton(container, '[data-part=call]', 'Unmute'), { what: 'muted' });
    expect(ada.calls.active?.muted).toBe(true);

    button(container, '[data-part=call]', 'Hang up').click();
    await shows(container, '[data-part=call][data-state=none]', 'no call');
    await until(() => outgoing.state === 'ended', { client: carl, what: 'carl ended' });
    expect(outgoing.endReason).toBe('completed');
  }, 60_000);

  it('a call placed with useSynapseClient() is the active call until the callee declines', async () => {
    const { agent, customer } = freshUsers();
    const ada = await clientFor(agent);
    const carl = await connectUser(customer);
    const { container } = mount(
      <SynapseProvider client={ada}>
        <Panel watch={[customer.id]} />
      </SynapseProvider>,
    );
    await shows(container, `[data-user="${customer.id}"][data-status=online]`, 'carl online');
    button(container, 'section', `Call ${customer.id}`).click();
    await shows(container, '[data-part=call][data-state=ringing]', 'ringing at carl');
    const ringing = await until(() => carl.calls.incoming[0], { client: carl, what: 'incoming' });
    await ringing.reject();
    await shows(container, '[data-part=call][data-state=none]', 'declined');
    expect(ada.getSnapshot().lastEndedCall?.endReason).toBe('rejected');
  }, 60_000);

  it('re-renders only the part whose state changed, with no render loop or warning', async () => {
    const { agent, customer, other } = freshUsers();
    const ada = await clientFor(agent);
    const counts: RenderCounts = new Map();
    const errors = captureConsoleErrors();
    try {
      const { container } = mount(
        <SynapseProvider client={ada}>
          <Panel watch={[customer.id, other.id]} counts={counts} />
        </SynapseProvider>,
      );
      await shows(container, `[data-user="${customer.id}"][data-status=offline]`, 'carl known');
      await shows(container, `[data-user="${other.id}"][data-status=offline]`, 'otto known');
      const before = new Map(counts);

      await connectUser(other);
      await shows(container, `[data-user="${other.id}"][data-status=online]`, 'otto online');

      expect(counts.get(`presence:${other.id}`)).toBeGreaterThan(
        before.get(`presence:${other.id}`)!,
      );
      // Another user's presence changed: the hooks reading carl, the calls and the ringing list
      // kept their values, so those components did not render again.
      expect(counts.get(`presence:${customer.id}`)).toBe(before.get(`presence:${customer.id}`));
      expect(counts.get('ringing')).toBe(before.get('ringing'));
      expect(counts.get('call')).toBe(before.get('call'));
      // useSynapse() follows the whole snapshot, a handful of commits, not a loop.
      expect(counts.get('status')).toBeLessThan(10);
      expect(errors.messages).toEqual([]);
    } finally {
      errors.restore();
    }
  }, 60_000);

  it('with options, the provider makes its own client, connects it and disconnects it on unmount', async () => {
    const { agent } = freshUsers();
    let seen: SynapseClient | undefined;
    function Grab() {
      seen = useSynapseClient();
      return null;
    }
    const { container, root } = mount(
      <SynapseProvider options={{ url: serverUrl(), token: await mintToken(agent) }}>
        <Panel watch={[]} />
        <Grab />
      </SynapseProvider>,
    );
    await shows(container, '[data-part=status][data-state=connected]', 'connected');
    const client = seen!;
    root.unmount();
    await until(() => client.connectionState === 'disconnected', { what: 'disconnected' });
  }, 60_000);

  it('autoConnect={false} leaves connecting to the app', async () => {
    const { agent } = freshUsers();
    const ada = await clientFor(agent);
    const { container } = mount(
      <SynapseProvider client={ada} autoConnect={false}>
        <Panel watch={[]} />
      </SynapseProvider>,
    );
    await shows(container, '[data-part=status][data-state=disconnected]', 'rendered');
    expect(ada.connectionState).toBe('disconnected');
    await ada.connect();
    await shows(container, '[data-part=status][data-state=connected]', 'connected');
  }, 60_000);
});
