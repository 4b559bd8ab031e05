// The shared preset lives at the workspace root, outside any Nx project.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'user-service', dir: __dirname, postgres: true });
