// #region quick-start
import { createClient, SynapseError } from '@synapse-calling/sdk-core';

declare function showButton(label: string, onClick: () => void): void; // your UI

const client = createClient({
  url: 'https://calls.example.com',
  // Your backend's token endpoint (getting-started.md): JSON { token } for the signed-in user.
  tokenProvider: async () => {
    const res = await fetch('/synapse/token', { credentials: 'include' });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  },
});

client.on('connectionStateChanged', (state) => console.log('connection', state));
await client.connect();

// Presence of the people this page shows.
const stop = client.presence.watch(['ann', 'bob'], (p) => {
  document.querySelector(`[data-user="${p.userId}"]`)!.className = p.status;
});

// Incoming calls.
client.on('incomingCall', (call) => {
  if (confirm(`${call.peer.name} is calling`)) void call.accept();
  else void call.reject();
});

// Outgoing calls.
try {
  const call = await client.call('ann', { metadata: { crmRecord: 'lead-42' } });
  call.on('stateChanged', (state) => console.log('call', state)); // ringing → connecting → active
  call.on('ended', (reason) => console.log('ended:', reason));
  call.on('audioBlockedChanged', (blocked) => {
    if (blocked) showButton('Click to hear the call', () => call.startAudio());
  });
} catch (err) {
  if (err instanceof SynapseError && err.code === 'busy') alert('Ann is on another call');
  else if (err instanceof SynapseError && err.code === 'media-permission-denied')
    alert('Allow the microphone to call');
  else throw err;
}
// #endregion quick-start

export { stop };
