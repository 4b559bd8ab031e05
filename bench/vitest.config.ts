import { projectConfig } from '../vitest.shared';

// The smoke starts the whole shop as real processes: one file, minutes allowed on two shared cores.
export default projectConfig({ name: 'bench', dir: __dirname, serial: true, testTimeout: 600_000 });
