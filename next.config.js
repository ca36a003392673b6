// Next runs inside Flashflow's own process (lib/runtime/web-server.ts), beside the engine. Packages that
// hold native/WASM parts or load TypeScript at run time stay outside the bundles.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['@electric-sql/pglite', 'pglite-prisma-adapter', 'tsx', 'pg', '@prisma/client', '@prisma/adapter-pg', 'anki-apkg-export'],
  poweredByHeader: false,
  // `npm run typecheck` (part of `npm test`) checks types once for the whole project; the build need not.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
