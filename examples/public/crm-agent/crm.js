// The CRM's own page logic: who is signed in and which contacts to list. In a real CRM these come
// from its backend; the demo takes them from the development sign-in. Synapse only needs the
// token URL and a user id per button.
import { setupRingMe } from '/shared/ring-me.js';

const me = new URLSearchParams(location.search).get('user') ?? 'alice';
const { users } = await (await fetch('/demo/users')).json();
const self = users.find((u) => u.id === me);
if (!self) {
  location.replace('/');
  throw new Error(`No demo user "${me}"`);
}

const STAGES = ['Qualified', 'Proposal', 'Negotiation', 'Customer', 'Onboarding'];

document.title = `Contacts — ${self.tenant[0].toUpperCase()}${self.tenant.slice(1)} CRM`;
document.getElementById('brand').textContent = `${self.tenant.toUpperCase()} CRM`;
document.getElementById('me-name').textContent = `${self.name} (${self.role})`;
document.getElementById('me-presence').setAttribute('user-id', self.id);

const synapse = document.getElementById('synapse');
synapse.setAttribute('token-url', `/demo/token?user=${encodeURIComponent(me)}`);
synapse.setAttribute('server', location.origin);
setupRingMe(synapse, document.getElementById('ring-me'));

const tbody = document.getElementById('contacts');
users
  .filter((u) => u.tenant === self.tenant && u.id !== self.id)
  .forEach((u, i) => {
    const tr = document.createElement('tr');
    tr.dataset.userId = u.id;
    tr.innerHTML = `
      <td class="who"><strong></strong><span></span></td>
      <td class="company"></td>
      <td><span class="stage"></span></td>
      <td><synapse-presence></synapse-presence></td>
      <td class="call"><synapse-call-button></synapse-call-button></td>`;
    tr.querySelector('.who strong').textContent = u.name;
    tr.querySelector('.who span').textContent = u.role === 'agent' ? 'Colleague' : 'Customer';
    tr.querySelector('.company').textContent = u.role === 'agent' ? '—' : u.title;
    tr.querySelector('.stage').textContent =
      u.role === 'agent' ? 'Team' : STAGES[i % STAGES.length];
    tr.querySelector('synapse-presence').setAttribute('user-id', u.id);
    const button = tr.querySelector('synapse-call-button');
    button.setAttribute('user-id', u.id);
    button.setAttribute('name', u.name);
    // Sent with the call (and stored in the call log): which CRM record it is about.
    button.metadata = { crmRecord: `contact-${u.id}` };
    tbody.append(tr);
  });

// Fired before a call is placed; cancelable, so a CRM can veto it (preventDefault()).
document.addEventListener('synapse-call-start', (event) => {
  console.info('[crm] calling', event.detail);
});
