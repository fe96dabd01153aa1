npm run build                                              # the demo runs from dist/
npx vitest run test/e2e/calls                              # both modes, about 2 min here
npx vitest run test/e2e/calls/p2p.e2e.test.ts              # one mode
npx vitest run test/e2e/calls/livekit.e2e.test.ts -t 'reload'  # one scenario alone while debugging
