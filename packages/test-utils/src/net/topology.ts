/**
 * A small internet in network namespaces. `pub` holds the public services on one address
 * (`SERVER_ADDRESS`: signalling server, coturn, livekit-server) and routes between the homes'
 * public addresses. Each home is a host behind a NAT router of its own:
 *
 * ```
 *   home a 10.77.1.2 ── 10.77.1.1 [nat a] 10.77.11.2 ── 10.77.11.1 ┐
 *                                                                 [pub] 10.77.0.1 (services)
 *   home b 10.77.2.2 ── 10.77.2.1 [nat b] 10.77.12.2 ── 10.77.12.1 ┘
 * ```
 *
 * A `cone` NAT is Linux masquerading (ports kept, replies only from where packets went), so
 * two cone homes reach each other through STUN hole punching. A `symmetric` NAT
 * (`masquerade fully-random`) gives every new destination a new public port, so what a STUN
 * server saw is useless to the peer: only TURN gets through. The private ranges are never
 * routed between homes. Only 10.77.0.0/16 and loopback are used, all inside the namespaces.
 */
import { addNamespace, deleteNamespace, link, type Namespace } from './netns';

export const SERVER_ADDRESS = '10.77.0.1';

export type NatKind = 'cone' | 'symmetric';
export type HomeName = 'a' | 'b';
/**
 * What a home's router cuts: `udp` drops all UDP (TCP signalling stays up); `all` drops
 * everything, silently (endpoints notice only when their own timeouts run out); `reset` drops UDP
 * and answers TCP with resets, so both ends see their connections fail at once — a network blip
 * a browser notices.
 */
export type Block = 'udp' | 'all' | 'reset';

export interface Home {
  name: HomeName;
  /** Where the home's browser runs. */
  host: Namespace;
  /** Its NAT router (also where the impairing relay of `impair.ts` runs). */
  router: Namespace;
  nat: NatKind;
  /** The host's current address (`moveHost` changes it). */
  address: string;
  /** The router's address on the public side: what servers and peers see. */
  publicAddress: string;
}

export interface TestNetwork {
  pub: Namespace;
  homes: Record<HomeName, Home>;
  /** The home's router drops `what` from now on, both ways (the path is cut). */
  block(home: HomeName, what: Block): Promise<void>;
  /** Lifts `block`. */
  unblock(home: HomeName): Promise<void>;
  /** Gives the home's host a new address, as when a laptop changes networks; returns it. */
  moveHost(home: HomeName): Promise<string>;
  /** Deletes every namespace (and so every link and rule); stops what runs inside. */
  stop(): Promise<void>;
}

const INDEX: Record<HomeName, number> = { a: 1, b: 2 };

export async function startNetwork(nats: Record<HomeName, NatKind>): Promise<TestNetwork> {
  const created: Namespace[] = [];
  const make = async (role: string) => {
    const ns = await addNamespace(role);
    created.push(ns);
    return ns;
  };
  try {
    const pub = await make('pub');
    // The rest of the internet: a default route to a gateway nobody answers for, so packets to
    // unrouted addresses (a peer's private host candidate) vanish silently, as on a real server.
    // Without it a send fails with ENETUNREACH, and coturn tears its allocation down over that.
    // The services' address sits on the same interface: not on loopback, whose addresses
    // livekit-server (pion) never offers as ICE candidates.
    await pub.ip('link', 'add', 'internet', 'type', 'veth', 'peer', 'name', 'void');
    await pub.ip('addr', 'add', '10.77.250.1/30', 'dev', 'internet');
    await pub.ip('addr', 'add', `${SERVER_ADDRESS}/32`, 'dev', 'internet');
    for (const ifname of ['internet', 'void']) await pub.ip('link', 'set', ifname, 'up');
    await pub.ip('neigh', 'add', '10.77.250.2', 'lladdr', '02:00:00:00:00:01', 'dev', 'internet');
    await pub.ip('route', 'add', 'default', 'via', '10.77.250.2');
    await pub.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    const homes = {} as Record<HomeName, Home>;
    for (const name of ['a', 'b'] as const) {
      homes[name] = await makeHome(name, nats[name], pub, make);
    }
    return {
      pub,
      homes,
      async block(home, what) {
        const rules = {
          udp: ['meta l4proto udp drop'],
          all: ['drop'],
          reset: ['meta l4proto udp drop', 'meta l4proto tcp reject with tcp reset'],
        }[what];
        await homes[home].router.nft(rules.map((r) => `add rule inet rig cut ${r}\n`).join(''));
      },
      async unblock(home) {
        await homes[home].router.nft('flush chain inet rig cut\n');
      },
      async moveHost(home) {
        const h = homes[home];
        const lan = `10.77.${INDEX[home]}`;
        const next = `${lan}.${Number(h.address.split('.')[3]) + 1}`;
        // Old address gone, then the new one, as when a laptop leaves one network for another.
        // Deleting the old address takes the default route with it: add it back.
        await h.host.ip('addr', 'del', `${h.address}/24`, 'dev', 'eth0');
        await h.host.ip('addr', 'add', `${next}/24`, 'dev', 'eth0');
        await h.host.ip('route', 'replace', 'default', 'via', `${lan}.1`);
        h.address = next;
        return next;
      },
      async stop() {
        await Promise.all(created.splice(0).map((ns) => deleteNamespace(ns)));
      },
    };
  } catch (err) {
    await Promise.all(created.map((ns) => deleteNamespace(ns)));
    throw err;
  }
}

async function makeHome(
  name: HomeName,
  nat: NatKind,
  pub: Namespace,
  make: (role: string) => Promise<Namespace>,
): Promise<Home> {
  const i = INDEX[name];
  const router = await make(`nat${name}`);
  const host = await make(`home${name}`);
  const publicAddress = `10.77.1${i}.2`;
  await link(pub, `to${name}`, `10.77.1${i}.1/24`, router, 'wan', `${publicAddress}/24`);
  await link(router, 'lan', `10.77.${i}.1/24`, host, 'eth0', `10.77.${i}.2/24`);
  await router.ip('route', 'add', 'default', 'via', `10.77.1${i}.1`);
  await host.ip('route', 'add', 'default', 'via', `10.77.${i}.1`);
  await router.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  // `cut` holds the rules of `block`: forwarded traffic, and the router's own (the impairing
  // relay's sockets live on the router). As any home router's firewall, it drops unsolicited
  // packets from outside; dropping them before conntrack confirms them also keeps a peer's
  // early hole-punching packet from leaving an entry that would make the NAT pick another port
  // for the host's own packets to that peer (and so defeat the hole punching).
  await router.nft(`
    table ip nat {
      chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan" masquerade${nat === 'symmetric' ? ' fully-random' : ''}
      }
    }
    table inet rig {
      chain cut {}
      chain forward {
        type filter hook forward priority filter; policy accept;
        jump cut;
        iifname "wan" ct state new drop;
      }
      chain input {
        type filter hook input priority filter; policy accept;
        iifname "wan" jump cut;
        iifname "wan" ct state new drop;
      }
      chain output { type filter hook output priority filter; policy accept; oifname "wan" jump cut; }
    }
  `);
  return { name, host, router, nat, address: `10.77.${i}.2`, publicAddress };
}
