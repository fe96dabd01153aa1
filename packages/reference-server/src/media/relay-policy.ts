import type { PolicyParty } from '../options';

/**
 * Decides whether `party`'s network addresses must be hidden from `peer` in a P2P call. When it
 * says so, `party`'s client gathers only TURN relay candidates (`iceTransportPolicy: 'relay'`)
 * and the server drops any other candidate of `party` on its way to `peer`.
 */
export type RelayOnlyRule = (party: PolicyParty, peer: PolicyParty) => boolean | Promise<boolean>;

export const RELAY_ONLY_PRESETS = ['off', 'all', 'agents'] as const;
/**
 * - `off`: nobody's addresses are hidden (direct paths when the networks allow them).
 * - `all`: everybody's: every P2P call goes through TURN.
 * - `agents`: customers never learn agents' addresses (agents calling each other still go
 *   direct, and an agent may learn a customer's address).
 */
export type RelayOnlyPreset = (typeof RELAY_ONLY_PRESETS)[number];

/** The `relayOnly` server option: a preset, or your own rule (per tenant, per user…). */
export type RelayOnlyPolicy = RelayOnlyPreset | RelayOnlyRule;

/**
 * The rule for a preset, limited to `tenants` when given (other tenants get `off`).
 *
 * @example
 * createSynapseServer({ …, relayOnly: relayOnlyRule('agents', { tenants: ['acme'] }) });
 */
export function relayOnlyRule(
  preset: RelayOnlyPreset,
  { tenants }: { tenants?: string[] } = {},
): RelayOnlyRule {
  const inScope = (party: PolicyParty) => !tenants?.length || tenants.includes(party.tenant);
  switch (preset) {
    case 'off':
      return () => false;
    case 'all':
      return (party) => inScope(party);
    case 'agents':
      return (party, peer) => inScope(party) && party.role === 'agent' && peer.role === 'customer';
  }
}

export function toRelayOnlyRule(policy: RelayOnlyPolicy | undefined): RelayOnlyRule {
  return typeof policy === 'function' ? policy : relayOnlyRule(policy ?? 'off');
}
