import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript source (docs/adr/0001-typescript-source-packages.md).
  transpilePackages: ["@tandem/engine"],
  // Native and WASM packages stay outside the bundle.
  serverExternalPackages: ["@tandem/runner", "@tandem/db", "@electric-sql/pglite", "@electric-sql/pglite-socket", "bullmq", "ioredis", "pg", "node-llama-cpp", "@tandem/local-models"],
  // `npm run typecheck` checks every package with the same strict settings; no second pass here.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
