npm run build                                    # synapse-server and the elements run from dist/
npx vitest run --project network                 # the whole network suite (about 100 s here)
npx vitest run test/e2e/network/livekit-nat.e2e.test.ts   # one file
NET_REPEATS=29 npx vitest run test/e2e/network/p2p-recovery.e2e.test.ts -t 'ICE restart'   # 30 runs
COTURN_VERBOSE=1 LIVEKIT_LOG_LEVEL=debug npx vitest run …   # louder coturn / livekit-server logs
