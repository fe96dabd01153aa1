import { useState } from 'react';
import {
  SynapseProvider,
  useCall,
  useIncomingCalls,
  usePresence,
  useSynapse,
  useSynapseClient,
} from '@synapse-calling/react';

// #region provider
export function Root({ children }: { children: React.ReactNode }) {
  // Options are plain data: the provider creates the client once and connects it in an effect,
  // so a server render never opens a connection.
  return (
    <SynapseProvider options={{ url: 'https://calls.example.com', tokenUrl: '/synapse/token' }}>
      {children}
    </SynapseProvider>
  );
}
// #endregion provider

// #region hooks
export function Availability({ userId, name }: { userId: string; name: string }) {
  const presence = usePresence(userId); // watched while mounted; undefined until known
  const client = useSynapseClient(); // no re-render when calls or presence change
  const [error, setError] = useState('');
  const status = presence?.status ?? 'offline';
  return (
    <span className={`dot ${status}`}>
      {name}: {status}
      <button
        disabled={status !== 'online'}
        onClick={() => client.call(userId).catch((err: Error) => setError(err.message))}
      >
        Call
      </button>
      {error}
    </span>
  );
}

export function Ringing() {
  const ringing = useIncomingCalls(); // the same array until one of them changes
  return ringing.map(({ snapshot, call }) => (
    <p key={snapshot.id} role="alert">
      {snapshot.peer.name} is calling
      <button onClick={() => void call.accept()}>Answer</button>
      <button onClick={() => void call.reject()}>Decline</button>
    </p>
  ));
}

export function CallBar() {
  const active = useCall(); // null, or the call this user is in or placing
  if (!active) return null;
  const { snapshot, call } = active;
  return (
    <div>
      {snapshot.peer.name}: {snapshot.state}
      <button onClick={() => void (snapshot.muted ? call.unmute() : call.mute())}>
        {snapshot.muted ? 'Unmute' : 'Mute'}
      </button>
      <button onClick={() => void call.end()}>Hang up</button>
    </div>
  );
}

export function ConnectionNotice() {
  const { snapshot } = useSynapse(); // everything; re-renders on every change
  if (snapshot.connectionState === 'connected') return null;
  return <p>{snapshot.connectionError?.message ?? 'Connecting to calls…'}</p>;
}
// #endregion hooks
