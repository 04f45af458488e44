import { fileURLToPath } from 'node:url'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Only inside the affitor-tracker repository: `next` and `affitor-tracker` (a link to the
  // repository itself) are found in the repository's node_modules, above this folder, where
  // Turbopack reads nothing unless its root includes them. A copied app leaves this out.
  turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) },
}

export default nextConfig
