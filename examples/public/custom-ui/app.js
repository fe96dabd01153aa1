// A calling UI built on @synapse-calling/sdk-core alone, in plain JavaScript.
//
// The pattern, which carries over to React (useSyncExternalStore), Vue or Svelte:
//   1. `client.getSnapshot()` is the single source of truth; `render(snapshot)` draws it.
//   2. `client.subscribe(listener)` re-renders after every change.
//   3. Buttons act on live `Call` objects (`client.calls.get(id)`); they never touch the DOM.
//      The resulting state change comes back through the snapshot.
import { createClient, isSynapseError } from '@synapse-calling/sdk-core';

const me = new URLSearchParams(location.search).get('user') ?? 'bob';

// The host app's token endpoint is the only integration point: the client calls it on connect,
// on every reconnect and before the token expires. (Here: the demo's development sign-in.)
const client = createClient({
  url: location.origin,
  tokenProvider: async () => {
    const res = await fetch(`/demo/token?user=${encodeURIComponent(me)}`);
    if (!res.ok) throw new Error(`Sign-in failed (HTTP ${res.status})`);
    return (await res.json()).token;
  },
});
// Handy in the browser console (and used by the end-to-end test): `synapseClient.getSnapshot()`.
window.synapseClient = client;

// Who to list is the host app's business, not Synapse's: here the demo's user directory. Agents
// see everyone in their tenant; customers see agents (the server's default policy lets customers
// call agents only).
const { users } = await (await fetch('/demo/users')).json();
const self = users.find((u) => u.id === me);
if (!self) {
  location.replace('/');
  throw new Error(`No demo user "${me}"`);
}
const people = users.filter(
  (u) => u.tenant === self.tenant && u.id !== me && (self.role === 'agent' || u.role === 'agent'),
);

// Presence lives in the snapshot (`snapshot.presence[userId]`) for every watched user, so the
// listener can stay empty. watch() returns its unwatch function; a page that removes a row
// would call it.
client.presence.watch(
  people.map((p) => p.id),
  () => undefined,
);

const $ = (id) => document.getElementById(id);

// The few things that are UI state, not client state: an action under way and its error.
let placing = false;
let error = '';

/** Runs an SDK action and reports a failure in the page (every SDK error is a SynapseError). */
async function act(action) {
  error = '';
  try {
    await action();
  } catch (err) {
    error = describeError(err);
  }
  render(client.getSnapshot());
}

function describeError(err) {
  if (!isSynapseError(err)) return String(err?.message ?? err);
  switch (err.code) {
    case 'busy':
      return 'They are on another call. Try again later.';
    case 'offline':
      return 'They went offline.';
    case 'forbidden':
      return 'You are not allowed to call this person.';
    case 'media-permission-denied':
      return 'Allow the microphone to make and answer calls.';
    case 'media-device-not-found':
      return 'No microphone found.';
    case 'already-in-call':
      return 'Finish the current call first.';
    default:
      return err.message;
  }
}

const STATUS_TEXT = {
  online: 'Online',
  away: 'Away',
  busy: 'In a call',
  dnd: 'Do not disturb',
  offline: 'Offline',
};
const CALL_STATE_TEXT = {
  idle: 'Starting…',
  ringing: 'Ringing…',
  connecting: 'Connecting…',
  active: 'In call',
  ended: 'Ended',
};
const END_REASON_TEXT = {
  completed: 'ended',
  cancelled: 'cancelled',
  rejected: 'declined',
  busy: 'busy',
  missed: 'not answered',
  failed: 'failed',
  disconnected: 'lost (connection dropped)',
  'answered-elsewhere': 'answered on another device',
};

const mmss = (seconds) =>
  `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

// --- the people list: rows are created once, then only updated ---------------------------------

const rows = new Map();
for (const person of people) {
  const li = document.createElement('li');
  li.dataset.userId = person.id;
  li.innerHTML = `<span class="dot"></span>
    <span class="who"><strong></strong><span class="sub"></span></span>
    <button class="primary" type="button">Call</button>`;
  li.querySelector('strong').textContent = person.name;
  const button = li.querySelector('button');
  button.dataset.userId = person.id;
  button.setAttribute('aria-label', `Call ${person.name}`);
  button.addEventListener('click', () =>
    act(async () => {
      placing = true; // the microphone opens before the call rings: disable buttons meanwhile
      render(client.getSnapshot());
      try {
        await client.call(person.id);
      } finally {
        placing = false;
      }
    }),
  );
  $('people').append(li);
  rows.set(person.id, { dot: li.querySelector('.dot'), text: li.querySelector('.sub'), button });
}

// --- actions on the call shown: look the live Call up by the id the snapshot shows --------------

const liveCall = (snapshotCall) => (snapshotCall ? client.calls.get(snapshotCall.id) : undefined);
const snap = () => client.getSnapshot();

$('accept').addEventListener('click', () => act(() => liveCall(snap().incomingCalls[0])?.accept()));
$('decline').addEventListener('click', () =>
  act(() => liveCall(snap().incomingCalls[0])?.reject()),
);
$('hang-up').addEventListener('click', () => act(() => liveCall(snap().activeCall)?.end()));
$('mute').addEventListener('click', () =>
  act(() => {
    const call = liveCall(snap().activeCall);
    return call?.muted ? call.unmute() : call?.mute();
  }),
);
$('start-audio').addEventListener('click', () =>
  act(() => liveCall(snap().activeCall)?.startAudio()),
);
$('status').addEventListener('change', (event) =>
  act(() => client.presence.setStatus(event.target.value)),
);

// --- render: the whole UI as a function of the snapshot ----------------------------------------

function render(snapshot) {
  const { connectionState, activeCall, lastEndedCall } = snapshot;
  const incoming = snapshot.incomingCalls[0];
  const connected = connectionState === 'connected';

  // `snapshot.user` comes from the token's claims, known once the first token is fetched.
  $('me').textContent = snapshot.user?.name ?? self.name;
  $('connection').textContent = connectionState;
  $('connection').dataset.state = connectionState;
  $('status').value = snapshot.status;
  $('status').disabled = !connected;

  for (const person of people) {
    const row = rows.get(person.id);
    const presence = snapshot.presence[person.id];
    const status = presence?.status ?? 'offline';
    row.dot.dataset.status = status;
    row.text.textContent = STATUS_TEXT[status] ?? status;
    // Offline people cannot be called; one call at a time (answer or decline a ringing one first).
    row.button.disabled =
      !connected || status === 'offline' || Boolean(activeCall || incoming) || placing;
  }

  $('incoming').hidden = !incoming;
  if (incoming) $('incoming-peer').textContent = incoming.peer.name;

  $('current').hidden = !activeCall;
  if (activeCall) {
    $('current').dataset.state = activeCall.state;
    $('current-peer').textContent = activeCall.peer.name;
    const outgoingRing = activeCall.state === 'ringing' && activeCall.direction === 'outgoing';
    $('current-state').textContent = outgoingRing
      ? 'Calling…'
      : activeCall.mediaReconnecting
        ? 'Reconnecting…'
        : CALL_STATE_TEXT[activeCall.state];
    $('mute').textContent = activeCall.muted ? 'Unmute' : 'Mute';
    $('mute').setAttribute('aria-pressed', String(activeCall.muted));
    $('hang-up').textContent = outgoingRing ? 'Cancel' : 'Hang up';
    $('start-audio').hidden = !activeCall.audioBlocked;
  } else {
    delete $('current').dataset.state;
  }
  renderTimer(activeCall);

  $('idle').hidden = Boolean(activeCall || incoming);

  // How the previous call ended ("declined", "busy"…), until the next call starts.
  const showEnded = Boolean(lastEndedCall && !activeCall && !incoming);
  $('last-ended').hidden = !showEnded;
  if (showEnded) {
    const { peer, endReason, startedAt, duration } = lastEndedCall;
    $('last-ended').dataset.reason = endReason ?? '';
    $('last-ended').textContent =
      `Last call with ${peer.name}: ${END_REASON_TEXT[endReason] ?? endReason}` +
      (startedAt ? ` after ${mmss(duration)}.` : '.');
  }

  $('error').hidden = !error;
  $('error').textContent = error;
}

// The snapshot holds `startedAt`, not a ticking clock (that would change it every second); the
// UI ticks the displayed duration itself.
let timer;
function renderTimer(call) {
  const running = call?.state === 'active' && call.startedAt;
  const draw = () => ($('timer').textContent = mmss((Date.now() - call.startedAt) / 1000));
  clearInterval(timer);
  $('timer').textContent = '';
  if (running) {
    draw();
    timer = setInterval(draw, 1000);
  }
}

client.subscribe(() => render(client.getSnapshot()));
render(client.getSnapshot());

// Resolves once connected and synchronised (a call in progress before a reload is resumed).
// Afterwards the client reconnects by itself; connectionState shows it.
client.connect().catch((err) => {
  error = `Could not connect: ${describeError(err)}`;
  render(client.getSnapshot());
});
