import { useCallback, useEffect, useState } from 'react';
import { useSynapse } from '@synapse-calling/react';
import { ActiveCall, IncomingCalls } from './calls';
import { Contacts, type DemoUser } from './contacts';

/** The demo's seeded people (GET /demo/users); a real CRM has its own contact list. */
function useDemoUsers(): DemoUser[] {
  const [users, setUsers] = useState<DemoUser[]>([]);
  useEffect(() => {
    void fetch('/demo/users')
      .then((r) => r.json())
      .then((body: { users: DemoUser[] }) => setUsers(body.users));
  }, []);
  return users;
}

export function App() {
  const { client, snapshot } = useSynapse();
  const users = useDemoUsers();
  const me = snapshot.user;
  const contacts = users.filter((u) => me && u.tenant === me.tenant && u.id !== me.id);
  const [activity, setActivity] = useState<string[]>([]);
  const log = useCallback((line: string) => setActivity((all) => [line, ...all].slice(0, 8)), []);

  return (
    // The elements inside use this client; no-call-ui: the hooks below show the calls instead.
    <synapse-calling client={client} no-call-ui>
      <div className="app">
        <aside className="sidebar">
          <div className="logo">CRM · React</div>
          <nav>
            <a href="#" aria-current="page">
              Contacts
            </a>
          </nav>
        </aside>
        <main>
          <div className="topbar">
            <h1>Contacts</h1>
            <div className="me" data-connection={snapshot.connectionState}>
              {me ? me.name : 'Signing in…'} · {snapshot.connectionState}
              {snapshot.connectionError && (
                <span role="alert"> — {snapshot.connectionError.message}</span>
              )}{' '}
              · <a href="/">Switch user</a>
            </div>
          </div>
          <IncomingCalls />
          <ActiveCall />
          <div className="grid">
            <section className="panel" aria-labelledby="contacts-title">
              <h2 id="contacts-title">People in your workspace</h2>
              <Contacts users={contacts} onActivity={log} />
            </section>
            <section className="panel" aria-labelledby="history-title">
              <h2 id="history-title">Recent calls</h2>
              <synapse-call-history no-title limit={6} />
              <h2>Call buttons said</h2>
              <ol className="activity" aria-live="polite">
                {activity.map((line, i) => (
                  <li key={activity.length - i}>{line}</li>
                ))}
              </ol>
            </section>
          </div>
        </main>
      </div>
    </synapse-calling>
  );
}
