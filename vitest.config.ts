import { defineConfig } from 'vitest/config'

export default defineConfig({
  define: { __DEV__: 'true' },
  // src/react/ imports the tracker by the package's name: the sources, as in tsconfig's paths.
  resolve: { alias: [{ find: /^affitor-tracker$/, replacement: new URL('./src/index.ts', import.meta.url).pathname }] },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
})
