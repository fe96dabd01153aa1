import { usePresence, type Presence } from '@synapse-calling/react';

export interface DemoUser {
  id: string;
  name: string;
  role: 'agent' | 'customer';
  tenant: string;
  title: string;
}

const LABELS: Record<Presence['status'], string> = {
  online: 'Available',
  away: 'Away',
  busy: 'In a call',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

function Contact({ user, onActivity }: { user: DemoUser; onActivity: (line: string) => void }) {
  // A hook per row: 50 rows of one person would still be one server subscription.
  const status = usePresence(user.id)?.status ?? 'offline';
  return (
    <tr data-user-id={user.id}>
      <td className="who">
        <strong>{user.name}</strong>
        <span className="sub">{user.title}</span>
      </td>
      <td>
        <span className={`presence ${status}`} data-presence={user.id} data-status={status}>
          {LABELS[status]}
        </span>
      </td>
      <td>
        {/* The element rings, cancels and hangs up; its typed event feeds the activity list. */}
        <synapse-call-button
          user-id={user.id}
          name={user.name}
          metadata={{ source: 'react-crm' }}
          onsynapse-call-state={(e) => onActivity(`${e.detail.peer.name}: ${e.detail.state}`)}
        />
      </td>
    </tr>
  );
}

export function Contacts({
  users,
  onActivity,
}: {
  users: DemoUser[];
  onActivity: (line: string) => void;
}) {
  if (!users.length) return <p className="sub">Loading contacts…</p>;
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Availability</th>
            <th scope="col">
              <span className="visually-hidden">Call</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <Contact key={u.id} user={u} onActivity={onActivity} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
