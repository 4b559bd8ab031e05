// The shared vitest preset lives at the workspace root, outside every project.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'chaos-scenario', dir: __dirname });
