/**
 * A UDP relay that two WebRTC peers can be made to talk through, so a test can cut their media
 * path for real (every packet dropped) and watch them recover. Each peer's host candidate is
 * replaced by the address of a relay socket of its own before the other peer sees it; a packet
 * arriving at the socket that stands for candidate C from the real address X leaves through the
 * socket that stands for X, towards C, so each side's replies map back the same way.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface CandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export class UdpRelay {
  /** Real candidate address (`ip:port`) → the relay socket standing for it. */
  private readonly sockets = new Map<string, Socket>();
  private cut = false;
  /** Packets forwarded so far (STUN checks and media alike). */
  forwarded = 0;

  /**
   * The candidate to hand to the other peer: a UDP IPv4 host candidate moved to a relay socket,
   * or null for any other candidate (dropped, so the only path is through the relay).
   */
  async rewrite(init: CandidateInit): Promise<CandidateInit | null> {
    const fields = init.candidate.split(' ');
    const [, , protocol, , address, port, , type] = fields;
    if (
      protocol?.toLowerCase() !== 'udp' ||
      type !== 'host' ||
      !/^\d+\.\d+\.\d+\.\d+$/.test(address)
    ) {
      return null;
    }
    const real = `${address}:${port}`;
    let socket = this.sockets.get(real);
    if (!socket) {
      socket = await this.bind(address, Number(port));
      this.sockets.set(real, socket);
    }
    fields[5] = String(socket.address().port);
    return { ...init, candidate: fields.join(' ') };
  }

  /** From now on every packet is dropped: the peers' path through the relay is gone. */
  cutPath(): void {
    this.cut = true;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.sockets.values()].map(
        (s) => new Promise<void>((resolve) => s.close(() => resolve())),
      ),
    );
    this.sockets.clear();
  }

  private async bind(address: string, port: number): Promise<Socket> {
    const socket = createSocket('udp4');
    socket.on('message', (msg, from) => {
      if (this.cut) return;
      const via = this.sockets.get(`${from.address}:${from.port}`);
      if (!via) return; // not from a candidate we relay
      this.forwarded++;
      via.send(msg, port, address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '0.0.0.0', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return socket;
  }
}
