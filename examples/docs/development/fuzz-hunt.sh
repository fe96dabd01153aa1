SYNAPSE_FUZZ_RUNS=300 npx vitest run packages/reference-server/src/hardening/fuzz.test.ts
