npm test                      # everything CI runs: deps, build, lint, typecheck, all tests
npm run test:deps             # install missing test dependencies only (idempotent)
npx vitest run --project node # Node tests only
npx vitest run --project browser              # browser tests only
npx vitest run packages/reference-server      # one package
npx vitest run -t 'answered elsewhere'        # one scenario by name
npm run lint && npm run typecheck
npm run check:packages        # publint and attw over the packages as npm packs them
