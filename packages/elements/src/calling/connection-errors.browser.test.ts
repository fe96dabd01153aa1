import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { SynapseCallButton } from '../call-button/call-button';
import { setDefaultClient } from '../context';
import type { SynapseCallErrorEvent } from '../events/call-error';
import '../index';
import {
  a11y,
  freshUsers,
  mintToken,
  recordEvents,
  serverUrl,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseCalling } from './calling';

afterEach(() => {
  fixtureCleanup();
  setDefaultClient(undefined);
  vi.restoreAllMocks();
});

/** `<synapse-calling>` with a call button inside, and every `synapse-call-error` it fires. */
async function mount(
  attrs: { server: string; token?: string; tokenUrl?: string },
  lang = 'en',
): Promise<{ root: SynapseCalling; button: SynapseCallButton; errors: SynapseCallErrorEvent[] }> {
  const wrapper = document.createElement('div');
  wrapper.lang = lang;
  // Listening before the element exists: the first error can come before fixture() returns.
  const errors = recordEvents(wrapper, 'synapse-call-error');
  await fixture<HTMLDivElement>(wrapper);
  const root = document.createElement('synapse-calling');
  root.server = attrs.server;
  if (attrs.token) root.token = attrs.token;
  if (attrs.tokenUrl) root.tokenUrl = attrs.tokenUrl;
  root.innerHTML = '<synapse-call-button user-id="cust-1" name="Carl"></synapse-call-button>';
  wrapper.append(root);
  const button = root.querySelector('synapse-call-button') as SynapseCallButton;
  return { root, button, errors };
}

function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot?.querySelector<HTMLElement>(`[part=${name}]`) ?? null;
}

describe('a page whose origin the server does not allow', () => {
  it('says so on the button and above the content instead of "Connecting…", and fires one error', async () => {
    const locked = inject('originLockedServer');
    expect(locked.allowedOrigin).not.toBe(location.origin);
    const { agent } = freshUsers();
    const { root, button, errors } = await mount({
      server: locked.url,
      token: await mintToken(agent),
    });

    await until(() => button.state === 'connection-failed', { what: 'button says why' });
    const said = "This page's address is not allowed by the calling server.";
    expect(part(button, 'label')?.textContent).toBe('Not connected');
    expect(part(button, 'hint')?.textContent).toBe(said);
    expect(button.disabled).toBe(true);
    await root.updateComplete;
    expect(part(root, 'notice')?.textContent).toBe(said);
    expect(part(root, 'notice')?.getAttribute('role')).toBe('alert');
    expect(root.getAttribute('connection-state')).toBe('disconnected');
    expect(root.getAttribute('connection-error')).toBe('origin-not-allowed');
    expect(errors.map((e) => e.detail.code)).toEqual(['origin-not-allowed']);
    await a11y(button).to.be.accessible();
    await a11y(root).to.be.accessible();
  });

  it('speaks German', async () => {
    const { agent } = freshUsers();
    const { root, button } = await mount(
      { server: inject('originLockedServer').url, token: await mintToken(agent) },
      'de',
    );
    await until(() => button.state === 'connection-failed', { what: 'button says why' });
    await root.updateComplete;
    const said = 'Die Adresse dieser Seite ist für den Telefonie-Server nicht freigegeben.';
    expect(part(button, 'label')?.textContent).toBe('Nicht verbunden');
    expect(part(button, 'hint')?.textContent).toBe(said);
    expect(part(root, 'notice')?.textContent).toBe(said);
  });
});

describe('a token-url that fails', () => {
  it('shows why signing in failed while the client retries, firing one error', async () => {
    const tokenUrl = `${serverUrl()}/host/token?status=401`;
    const fetches = vi.spyOn(window, 'fetch');
    const asked = () => fetches.mock.calls.filter(([input]) => String(input) === tokenUrl);
    const { root, button, errors } = await mount({ server: serverUrl(), tokenUrl });

    await until(() => button.state === 'connection-failed', { what: 'button says why' });
    const said = 'Could not sign in to calling: the sign-in service answered HTTP 401.';
    expect(part(button, 'hint')?.textContent).toBe(said);
    await root.updateComplete;
    expect(part(root, 'notice')?.textContent).toBe(said);
    expect(root.getAttribute('connection-error')).toBe('token-provider-failed');

    // Still trying, honestly "connecting", and the run of failures was reported once.
    await until(() => asked().length >= 2, { what: 'a retry', timeoutMs: 10_000 });
    expect(root.connectionState).toBe('connecting');
    expect(errors).toHaveLength(1);
    expect(errors[0].detail).toMatchObject({ action: 'connect', code: 'token-provider-failed' });
    const error = errors[0].detail.error as { tokenFailure?: unknown };
    expect(error.tokenFailure).toEqual({ kind: 'http', status: 401 });
  });

  it('names an answer that is not a token, in German', async () => {
    const tokenUrl = `${serverUrl()}/host/token?body=${encodeURIComponent('<html>Login</html>')}`;
    const { button } = await mount({ server: serverUrl(), tokenUrl }, 'de');
    await until(() => button.state === 'connection-failed', { what: 'button says why' });
    expect(part(button, 'hint')?.textContent).toBe(
      'Anmeldung bei der Telefonie fehlgeschlagen: der Anmeldedienst lieferte kein Token.',
    );
  });
});
