/**
 * The demo's seeded users. Two tenants prove isolation: nobody in `globex` can see or reach `acme`.
 * Only the development sign-in (dev-login.mjs) uses this list; a real host app signs its own users'
 * tokens (docs/getting-started.md).
 */
export const DEMO_USERS = [
  { id: 'alice', name: 'Alice Adams', role: 'agent', tenant: 'acme', title: 'Account executive' },
  { id: 'bob', name: 'Bob Brown', role: 'agent', tenant: 'acme', title: 'Support engineer' },
  { id: 'gus', name: 'Gus Green', role: 'agent', tenant: 'acme', title: 'Support engineer' },
  { id: 'carol', name: 'Carol Chen', role: 'customer', tenant: 'acme', title: 'Chen Logistics' },
  { id: 'dave', name: 'Dave Diaz', role: 'customer', tenant: 'acme', title: 'Diaz & Sons' },
  { id: 'erin', name: 'Erin Evans', role: 'agent', tenant: 'globex', title: 'Account executive' },
  { id: 'frank', name: 'Frank Fox', role: 'customer', tenant: 'globex', title: 'Fox Freight' },
];

/**
 * The demo's support line (docs/lines.md): acme's customers "Call support" and whichever of
 * these agents has waited longest answers. Used unless SYNAPSE_LINES_FILE names other lines.
 */
export const DEMO_LINES = {
  acme: { support: { name: 'Support', members: ['alice', 'bob', 'gus'] } },
};

export function findDemoUser(id) {
  return DEMO_USERS.find((u) => u.id === id);
}
