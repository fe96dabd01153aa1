// Builds the React consumer as an integrator's Vite app would: client.tsx for the browser into
// react-dist/ (React's development build, which reports every hydration mismatch), and with
// --ssr app.tsx for Node into react-out/, its packages left to node_modules (the tarballs).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig(({ isSsrBuild }) => ({
  root: import.meta.dirname,
  plugins: [react()],
  define: { 'process.env.NODE_ENV': JSON.stringify('development') },
  logLevel: 'warn',
  build: {
    outDir: isSsrBuild ? '../react-out' : '../react-dist',
    emptyOutDir: true,
    minify: false,
    chunkSizeWarningLimit: 5000,
    rolldownOptions: isSsrBuild
      ? { input: 'app.tsx' }
      : { input: 'client.tsx', output: { entryFileNames: 'client.js' } },
  },
}));
