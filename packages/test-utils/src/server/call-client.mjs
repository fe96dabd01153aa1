/**
 * The `/call` connection of the plain-JavaScript tools (`hostile-client.mjs`, the reference
 * server's measurement script), which run without the TypeScript test helpers.
 */
import { io } from 'socket.io-client';

/**
 * Connects to `${url}/call` with `token`. Resolves `{ socket }` once connected, or `{ code }` for
 * a refusal: the `connect_error` code, or `transport` for a refused transport.
 */
export function connectCall(url, token) {
  const socket = io(`${url}/call`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ code: err.data?.code ?? 'transport' });
    });
  });
}
