import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import { html } from 'lit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SynapseCallButton } from '../call-button/call-button';
import { getDefaultClient, setDefaultClient } from '../context';
import '../index';
import type { SynapseIncomingCall } from '../incoming-call/incoming-call';
import type { SynapsePresence } from '../presence/presence';
import {
  freshUsers,
  a11y,
  nextEvent,
  connectUser,
  disconnectAll,
  mintToken,
  serverUrl,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseCalling } from './calling';

const urls: string[] = [];
/** A same-origin URL answering `body`, standing in for the host app's token endpoint. */
function tokenEndpoint(body: string, type = 'text/plain'): string {
  const url = URL.createObjectURL(new Blob([body], { type }));
  urls.push(url);
  return url;
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
  for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  setDefaultClient(undefined);
});

describe('<synapse-calling>', () => {
  describe('properties', () => {
    it('connects from server + token and provides the client to the elements inside', async () => {
      const { agent, customer } = freshUsers();
      await connectUser(customer);
      const token = await mintToken(agent);
      const root = await fixture<SynapseCalling>(
        html`<synapse-calling server=${serverUrl()} token=${token}>
          <synapse-call-button user-id=${customer.id} name="Carl"></synapse-call-button>
        </synapse-calling>`,
      );
      await until(() => root.getAttribute('connection-state') === 'connected', {
        what: 'connected',
      });
      expect(root.client?.user?.id).toBe(agent.id);
      const button = root.querySelector('synapse-call-button') as SynapseCallButton;
      await until(() => button.state === 'idle', { what: 'button idle through context' });
    });

    it('fetches the token from token-url (plain text or JSON)', async () => {
      const { agent, customer } = freshUsers();
      const text = await fixture<SynapseCalling>(
        html`<synapse-calling
          server=${serverUrl()}
          token-url=${tokenEndpoint(await mintToken(agent))}
        ></synapse-calling>`,
      );
      await until(() => text.connectionState === 'connected', {
        what: 'connected with text token',
      });
      const json = await fixture<SynapseCalling>(
        html`<synapse-calling
          server=${serverUrl()}
          token-url=${tokenEndpoint(JSON.stringify({ token: await mintToken(customer) }), 'application/json')}
        ></synapse-calling>`,
      );
      await until(() => json.connectionState === 'connected', {
        what: 'connected with JSON token',
      });
      expect(json.client?.user?.name).toBe('Carl Customer');
    });

    it('fetches token-url with credentials and asks it again before the token expires', async () => {
      const { agent } = freshUsers();
      // A 6 s token: the SDK refreshes a third of the lifetime (at most a minute) ahead.
      const url = tokenEndpoint(await mintToken(agent, '6s'));
      const fetchSpy = vi.spyOn(window, 'fetch');
      try {
        const root = await fixture<SynapseCalling>(
          html`<synapse-calling server=${serverUrl()} token-url=${url}></synapse-calling>`,
        );
        await until(() => root.connectionState === 'connected', { what: 'connected' });
        const tokenCalls = () => fetchSpy.mock.calls.filter(([input]) => String(input) === url);
        await until(() => tokenCalls().length >= 2, { what: 'token refreshed', timeoutMs: 20_000 });
        for (const [, init] of tokenCalls()) expect(init?.credentials).toBe('include');
        expect(root.connectionState).toBe('connected');
      } finally {
        fetchSpy.mockRestore();
      }
    });

    it('uses a client passed in the client property', async () => {
      const { agent } = freshUsers();
      const client = await connectUser(agent);
      const root = await fixture<SynapseCalling>(
        html`<synapse-calling .client=${client}>
          <synapse-presence user-id="x"></synapse-presence>
        </synapse-calling>`,
      );
      expect(root.client).toBe(client);
      await root.updateComplete;
      expect(root.getAttribute('connection-state')).toBe('connected');
      const presence = root.querySelector('synapse-presence') as SynapsePresence;
      await until(() => presence.status === 'offline', { what: 'presence through context' });
    });

    it('registers the first provider as the page default for elements outside it', async () => {
      const { agent, customer } = freshUsers();
      await connectUser(customer);
      const client = await connectUser(agent);
      expect(getDefaultClient()).toBeUndefined();
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <synapse-calling .client=${client} no-call-ui></synapse-calling>
          <synapse-presence user-id=${customer.id}></synapse-presence>
        </div>`,
      );
      expect(getDefaultClient()).toBe(client);
      const outside = wrapper.querySelector('synapse-presence') as SynapsePresence;
      await until(() => outside.status === 'online', { what: 'default client used outside' });
      wrapper.querySelector('synapse-calling')?.remove();
      await until(() => getDefaultClient() === undefined, { what: 'default cleared on removal' });
      // setDefaultClient() serves pages that create their own client.
      setDefaultClient(client);
      await until(() => outside.status === 'online', { what: 'explicit default' });
    });

    it('hosts the incoming-call UI unless no-call-ui is set', async () => {
      const { agent, customer } = freshUsers();
      const callee = await connectUser(customer);
      const root = await fixture<SynapseCalling>(
        html`<synapse-calling .client=${callee}></synapse-calling>`,
      );
      const incoming = root.shadowRoot?.querySelector(
        'synapse-incoming-call',
      ) as SynapseIncomingCall;
      expect(root.shadowRoot?.querySelector('synapse-active-call')).not.toBeNull();
      const shown = nextEvent(root, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      const call = await (await connectUser(agent)).call(customer.id);
      await shown;
      await until(() => incoming.ringing, { what: 'built-in prompt rings' });
      await call.end();
      root.noCallUi = true;
      await root.updateComplete;
      expect(root.shadowRoot?.querySelector('synapse-incoming-call')).toBeNull();
      expect(root.shadowRoot?.querySelector('synapse-active-call')).toBeNull();
    });

    it('passes tokens down and exports the built-in parts; the document lang applies', async () => {
      const { agent, customer } = freshUsers();
      const callee = await connectUser(customer);
      const style = document.createElement('style');
      style.textContent = `synapse-calling.themed { --synapse-color-success: rgb(0, 80, 40); }
        synapse-calling.themed::part(incoming-decline) { border-radius: 1px; }`;
      document.head.append(style);
      const before = document.documentElement.lang;
      document.documentElement.lang = 'de';
      try {
        const root = await fixture<SynapseCalling>(
          html`<synapse-calling class="themed" .client=${callee}></synapse-calling>`,
        );
        const incoming = root.shadowRoot?.querySelector(
          'synapse-incoming-call',
        ) as SynapseIncomingCall;
        const call = await (await connectUser(agent)).call(customer.id);
        await until(() => incoming.shadowRoot?.querySelector('[part=accept]'), { what: 'prompt' });
        await incoming.updateComplete;
        const accept = incoming.shadowRoot?.querySelector('[part=accept]') as HTMLElement;
        const decline = incoming.shadowRoot?.querySelector('[part=decline]') as HTMLElement;
        expect(getComputedStyle(accept).backgroundColor).toBe('rgb(0, 80, 40)');
        expect(getComputedStyle(decline).borderTopLeftRadius).toBe('1px');
        expect(accept.textContent?.trim()).toBe('Annehmen');
        // Changing the document's lang re-renders at once.
        document.documentElement.lang = 'en';
        await until(() => accept.textContent?.trim() === 'Accept', { what: 'English' });
        await call.end();
      } finally {
        document.documentElement.lang = before;
        style.remove();
      }
    });

    it('exports the active call panel’s transfer part as active-transfer', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const style = document.createElement('style');
      style.textContent = `synapse-calling.themed::part(active-transfer) { outline: 3px solid rgb(1, 2, 3); }`;
      document.head.append(style);
      try {
        const root = await fixture<SynapseCalling>(
          html`<synapse-calling class="themed" .client=${caller}></synapse-calling>`,
        );
        const call = await caller.call(customer.id);
        const theirs = await until(() => callee.calls.incoming[0], {
          client: callee,
          what: 'ring',
        });
        await theirs.accept();
        const active = root.shadowRoot?.querySelector('synapse-active-call');
        const transfer = await until(
          () => active?.shadowRoot?.querySelector<HTMLElement>('[part=transfer]'),
          { what: 'transfer controls' },
        );
        expect(getComputedStyle(transfer).outlineWidth).toBe('3px');
        expect(getComputedStyle(transfer).outlineColor).toBe('rgb(1, 2, 3)');
        await call.end();
      } finally {
        style.remove();
      }
    });
  });

  describe('events', () => {
    it('fires synapse-connection-change, and synapse-call-error for a bad token', async () => {
      const { agent } = freshUsers();
      const token = await mintToken(agent);
      const wrapper = document.createElement('div');
      const root = document.createElement('synapse-calling');
      const connected = nextEvent(wrapper, 'synapse-connection-change', {
        filter: (e) => e.detail.state === 'connected',
      });
      wrapper.append(root);
      root.server = serverUrl();
      root.token = token;
      document.body.append(wrapper);
      try {
        await connected;
        const error = nextEvent(root, 'synapse-call-error');
        root.token = 'not-a-jwt';
        const { detail } = await error;
        expect(detail.action).toBe('connect');
        expect(detail.code).toBe('unauthorized');
      } finally {
        wrapper.remove();
      }
    });
  });

  describe('accessibility', () => {
    it('passes axe with content', async () => {
      const { agent, customer } = freshUsers();
      const client = await connectUser(agent);
      const root = await fixture<SynapseCalling>(
        html`<synapse-calling .client=${client}>
          <p>
            Contact: Carl
            <synapse-call-button user-id=${customer.id} name="Carl"></synapse-call-button>
          </p>
        </synapse-calling>`,
      );
      await root.updateComplete;
      await a11y(root).to.be.accessible();
    });
  });
});
