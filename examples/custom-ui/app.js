import { createClient } from '@synapse-calling/sdk-core';

const me = new URLSearchParams(location.search).get('user') ?? 'bob';
const tokenUrl = `/demo/token?user=${encodeURIComponent(me)}`;

// The host app's token endpoint is the only integration point: the client calls it on connect,
// on every reconnect and before the token expires.
const client = createClient({
  url: location.origin,
  tokenProvider: async () =>
    (await (await fetch(tokenUrl, { credentials: 'include' })).json()).token,
});

const { users } = await (await fetch('/demo/users')).json();
const self = users.find((u) => u.id === me);
const people = users.filter((u) => u.tenant === self.tenant && u.id !== me);
document.getElementById('me').textContent = self.name;

// Watching is reference counted and batched by the client: one subscription per user.
client.presence.watch(
  people.map((p) => p.id),
  () => undefined,
);

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function render(snapshot) {
  document.getElementById('connection').textContent = snapshot.connectionState;
  const busy = Boolean(snapshot.activeCall) || snapshot.calls.some((c) => c.state !== 'ended');
  document.getElementById('people').replaceChildren(
    ...people.map((p) => {
      const status = snapshot.presence[p.id]?.status ?? 'offline';
      const callButton = el('button', {
        className: 'primary',
        textContent: 'Call',
        disabled: status === 'offline' || busy,
      });
      callButton.dataset.userId = p.id;
      callButton.addEventListener('click', () =>
        client.call(p.id).catch((err) => alert(err.message)),
      );
      return el(
        'div',
        { className: 'row' },
        el('span', {}, el('span', { className: `dot ${status}` }), `${p.name} — ${status}`),
        callButton,
      );
    }),
  );

  const callPanel = document.getElementById('call');
  const incoming = snapshot.incomingCalls[0];
  const active = snapshot.activeCall;
  const live = client.calls.all.find((c) => c.id === (active ?? incoming)?.id);
  if (incoming && live) {
    const accept = el('button', { className: 'primary', textContent: 'Accept' });
    accept.addEventListener('click', () => live.accept());
    const decline = el('button', { textContent: 'Decline' });
    decline.addEventListener('click', () => live.reject());
    callPanel.replaceChildren(
      el('p', { textContent: `${incoming.peer.name} is calling…` }),
      accept,
      decline,
    );
  } else if (active && live) {
    const mute = el('button', { textContent: active.muted ? 'Unmute' : 'Mute' });
    mute.addEventListener('click', () => (live.muted ? live.unmute() : live.mute()));
    const hangUp = el('button', {
      className: 'primary',
      textContent: active.state === 'ringing' ? 'Cancel' : 'Hang up',
    });
    hangUp.addEventListener('click', () => live.end());
    callPanel.replaceChildren(
      el('p', { textContent: `${active.state}: ${active.peer.name}` }),
      mute,
      hangUp,
    );
  } else {
    callPanel.replaceChildren(el('p', { className: 'sub', textContent: 'No call.' }));
  }
}

client.subscribe(() => render(client.getSnapshot()));
render(client.getSnapshot());
await client.connect();
