// The runner as a library, for tools that start the shop in their own process (the bench).
// `make demo` runs demo.ts instead.
export { startPlatform } from './platform';
export type { Platform, PlatformOptions } from './platform';
export { TEST_CARD } from './load/journeys';
// The bench starts the built storefront on its own, as the runner does, to measure its pages.
export { Storefront } from './storefront';
export { replicaTiming } from './replica-launch';
