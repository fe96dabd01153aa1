import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { createClient } from '@synapse-calling/sdk-core';

// Creating the client touches nothing (safe during server rendering); connecting waits for
// the browser, below.
const client = createClient({
  url: 'https://calls.example.com',
  tokenProvider: () =>
    fetch('/synapse/token', { credentials: 'include' })
      .then((r) => r.json())
      .then((body: { token: string }) => body.token),
});

export function SynapseRoot({ children }: { children: ReactNode }) {
  // Effects run only in the browser: server rendering never opens a connection.
  useEffect(() => {
    void client.connect();
    return () => void client.disconnect();
  }, []);
  return children;
}

export function CallPanel() {
  // The third argument is the server's snapshot: before connect() it is the empty one.
  const snap = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const call = snap.activeCall;
  if (snap.incomingCalls.length) {
    const ringing = client.calls.get(snap.incomingCalls[0].id)!;
    return (
      <div>
        {ringing.peer.name} is calling
        <button onClick={() => ringing.accept()}>Answer</button>
        <button onClick={() => ringing.reject()}>Decline</button>
      </div>
    );
  }
  if (!call) return <span>{snap.connectionState}</span>;
  const live = client.calls.get(call.id)!;
  return (
    <div>
      {call.peer.name} — {call.state} {call.speaking && '🔊'} quality: {call.quality}
      <button onClick={() => (call.muted ? live.unmute() : live.mute())}>
        {call.muted ? 'Unmute' : 'Mute'}
      </button>
      <button onClick={() => live.end()}>Hang up</button>
    </div>
  );
}

export function PresenceDot({ userId }: { userId: string }) {
  // watch() is reference-counted: 50 dots of one user make one server subscription.
  useEffect(() => client.presence.watch(userId, () => undefined), [userId]);
  const status = useSyncExternalStore(
    client.subscribe,
    () => client.getSnapshot().presence[userId]?.status ?? 'offline',
    () => 'offline', // on the server nobody is watched yet
  );
  return <span className={`dot ${status}`} />;
}
