import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig({
  ...preset,
  entry: { index: 'src/index.ts' },
  platform: 'neutral',
  // livekit-client stays an import so bundlers can split it into a lazy chunk.
  external: ['livekit-client', 'socket.io-client'],
});
