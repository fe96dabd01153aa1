import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build` writes dist/, which the demo serves at /react-crm/ (examples/demo.mjs).
// `npx vite examples/react-crm` serves it with hot reload against a demo running on port 3000.
const demo = process.env.SYNAPSE_DEMO_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/react-crm/',
  plugins: [react()],
  // livekit-client (about 530 kB) is its own chunk, loaded only when a call connects.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      '/demo': demo,
      '/api': demo,
      '/socket.io': { target: demo, ws: true },
    },
  },
});
