import type { NextConfig } from 'next';
import { resolve } from 'node:path';

// Node >= 20.19 resolves these packages' "module-sync" export (an .mjs file) on require; Next's
// file tracing does not follow that condition, so the standalone server gets them whole.
const MODULE_SYNC_PACKAGES = [
  'async-function',
  'async-generator-function',
  'generator-function',
  'file-type',
  '@swc/helpers',
];

const config: NextConfig = {
  // The container image (root Dockerfile, target storefront) runs the self-contained server;
  // `make demo` keeps `next start` on the plain build.
  ...(process.env.NEXT_OUTPUT === 'standalone'
    ? {
        output: 'standalone' as const,
        outputFileTracingIncludes: { '/*': MODULE_SYNC_PACKAGES.map((p) => `../../node_modules/${p}/**`) },
      }
    : {}),
  // The workspace root holds node_modules and the shared libs; tracing starts there.
  outputFileTracingRoot: resolve(__dirname, '..', '..'),
  // Shared libs run as plain Node code from their built dist (`require` at run time), never
  // bundled: @ha-shop/resilience brings service-kit and NestJS along, which a bundle must not
  // copy, and one policy registry per server process is what makes its breakers work. They are
  // npm workspace symlinks, which webpack's externals handle (the build uses webpack for this).
  serverExternalPackages: ['undici', 'cockatiel', 'lru-cache', 'jose', '@kubernetes/client-node'],
  webpack(
    webpackConfig: { externals?: unknown[]; cache?: unknown },
    { isServer, dev }: { isServer: boolean; dev: boolean },
  ) {
    // Nx caches the whole build output; webpack's own 180 MB cache in .next/cache would only bloat it.
    if (!dev) webpackConfig.cache = false;
    if (isServer) {
      webpackConfig.externals = [
        ...(webpackConfig.externals ?? []),
        ({ request }: { request?: string }, callback: (err?: Error | null, result?: string) => void) =>
          request?.startsWith('@ha-shop/') ? callback(null, `commonjs ${request}`) : callback(),
      ];
    }
    return webpackConfig;
  },
  poweredByHeader: false,
  reactStrictMode: true,
  // The catalog's image URLs point at a host this machine cannot reach; pages draw local art instead.
  images: { unoptimized: true },
};

export default config;
