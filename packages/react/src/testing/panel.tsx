// A calling UI built from every hook, shared by the package's tests (server render, hydration,
// the browser tests). Its data attributes are what the tests read.
import { Profiler, memo, type ReactNode } from 'react';
import { useCall, useIncomingCalls, usePresence, useSynapse, useSynapseClient } from '../index';

/** Commits per component id, counted by React's Profiler (how often each part re-rendered). */
export type RenderCounts = Map<string, number>;

interface CountedProps {
  id: string;
  counts: RenderCounts | undefined;
  children: ReactNode;
}

function Counted({ id, counts, children }: CountedProps) {
  if (!counts) return children;
  return (
    <Profiler id={id} onRender={() => counts.set(id, (counts.get(id) ?? 0) + 1)}>
      {children}
    </Profiler>
  );
}

// memo: a parent re-render must not count as the hook re-rendering its component.
const Status = memo(function Status() {
  const { snapshot } = useSynapse();
  return (
    <p data-part="status" data-state={snapshot.connectionState}>
      {snapshot.connectionState} as {snapshot.user?.name ?? 'nobody yet'}
    </p>
  );
});

const PresenceDot = memo(function PresenceDot({ userId }: { userId: string }) {
  const presence = usePresence(userId);
  const status = presence?.status ?? 'unknown';
  return (
    <span data-part="presence" data-user={userId} data-status={status}>
      {userId}: {status}
    </span>
  );
});

const Ringing = memo(function Ringing() {
  const ringing = useIncomingCalls();
  return (
    <ul data-part="ringing">
      {ringing.map(({ snapshot, call }) => (
        <li key={snapshot.id} data-from={snapshot.peer.id}>
          {snapshot.peer.name} is calling
          <button onClick={() => void call.accept()}>Answer</button>
          <button onClick={() => void call.reject()}>Decline</button>
        </li>
      ))}
    </ul>
  );
});

const ActiveCall = memo(function ActiveCall() {
  const active = useCall();
  if (!active) return <p data-part="call" data-state="none" />;
  const { snapshot, call } = active;
  return (
    <p data-part="call" data-state={snapshot.state} data-peer={snapshot.peer.id}>
      {snapshot.peer.name}: {snapshot.state}
      <button onClick={() => void (snapshot.muted ? call.unmute() : call.mute())}>
        {snapshot.muted ? 'Unmute' : 'Mute'}
      </button>
      <button onClick={() => void call.end()}>Hang up</button>
    </p>
  );
});

const CallButton = memo(function CallButton({ userId }: { userId: string }) {
  const client = useSynapseClient();
  return (
    <button onClick={() => void client.call(userId).catch(() => undefined)}>Call {userId}</button>
  );
});

/** Everything a calling page shows: connection, the presence of `watch`, ringing and active calls. */
export function Panel({
  watch,
  counts,
}: {
  watch: readonly string[];
  counts?: RenderCounts | undefined;
}) {
  return (
    <section>
      <Counted id="status" counts={counts}>
        <Status />
      </Counted>
      {watch.map((id) => (
        <Counted key={id} id={`presence:${id}`} counts={counts}>
          <PresenceDot userId={id} />
          <CallButton userId={id} />
        </Counted>
      ))}
      <Counted id="ringing" counts={counts}>
        <Ringing />
      </Counted>
      <Counted id="call" counts={counts}>
        <ActiveCall />
      </Counted>
    </section>
  );
}
