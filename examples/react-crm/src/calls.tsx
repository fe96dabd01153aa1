import { useEffect, useState } from 'react';
import { useCall, useIncomingCalls, type CallSnapshot } from '@synapse-calling/react';

/** Seconds since `from` (ms), ticking once a second; null while there is no start. */
function useElapsed(from: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (from === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [from]);
  return from === null ? null : Math.max(0, Math.floor((now - from) / 1000));
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

/** Calls ringing here, each with Answer and Decline (the elements' prompt is turned off). */
export function IncomingCalls() {
  const ringing = useIncomingCalls();
  if (!ringing.length) return null;
  return (
    <section className="panel incoming" role="alert" aria-label="Incoming calls">
      {ringing.map(({ snapshot, call }) => (
        <div key={snapshot.id} data-incoming={snapshot.peer.id}>
          <strong>{snapshot.peer.name}</strong> is calling
          <button onClick={() => void call.accept()}>Answer</button>
          <button onClick={() => void call.reject()}>Decline</button>
        </div>
      ))}
    </section>
  );
}

const STATES: Record<CallSnapshot['state'], string> = {
  idle: 'Starting…',
  ringing: 'Ringing…',
  connecting: 'Connecting…',
  active: '',
  ended: 'Ended',
};

/** The call in progress: who, how long, mute and hang up. */
export function ActiveCall() {
  const active = useCall();
  const elapsed = useElapsed(active?.snapshot.startedAt ?? null);
  if (!active) return null;
  const { snapshot, call } = active;
  return (
    <section
      className="panel active-call"
      aria-label="Call in progress"
      data-call-state={snapshot.state}
      data-peer={snapshot.peer.id}
    >
      <strong>{snapshot.peer.name}</strong>{' '}
      {snapshot.state === 'active' ? clock(elapsed ?? 0) : STATES[snapshot.state]}
      {snapshot.audioBlocked && (
        <button onClick={() => void call.startAudio()}>Click to hear the call</button>
      )}
      <button
        aria-pressed={snapshot.muted}
        onClick={() => void (snapshot.muted ? call.unmute() : call.mute())}
      >
        {snapshot.muted ? 'Unmute' : 'Mute'}
      </button>
      <button onClick={() => void call.end()}>Hang up</button>
    </section>
  );
}
