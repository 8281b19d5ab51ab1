import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

// Vite empties dist/ before each build; dist/.gitkeep must survive it so that
// embed.go (//go:embed all:dist) compiles on a fresh clone.
function keepGitkeep(): Plugin {
  let outDir = '';
  return {
    name: 'commonground-keep-gitkeep',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await writeFile(resolve(outDir, '.gitkeep'), '');
    },
  };
}

// maplibre-gl's worker is copied verbatim (an `?url` asset) and ends with a
// sourceMappingURL to a map that is not shipped; drop it so that no browser
// asks the server for a file that does not exist.
function dropWorkerSourceMapComment(): Plugin {
  return {
    name: 'commonground-drop-worker-sourcemap-comment',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !/\.m?js$/.test(file.fileName)) continue;
        const text = typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
        file.source = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
      }
    },
  };
}

// `npm run dev` serves the app with hot reload and passes API routes on to a
// running server (COMMONGROUND_URL, default the Go server's usual address).
const apiServer = process.env.COMMONGROUND_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [keepGitkeep(), dropWorkerSourceMapComment()],
  // Preact's JSX (components/*.tsx).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    proxy: Object.fromEntries(
      ['/collections', '/tiles', '/style.json', '/fonts', '/stats', '/search', '/overlaps', '/organisations', '/activities'].map(
        (path) => [path, apiServer],
      ),
    ),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // maplibre-gl alone is about 1 MB minified; that is expected, not a warning.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ['src/**/*.test.ts'],
    // colours.test.ts reads app.css (?raw) to hold the palette to its custom properties.
    css: { include: [/app\.css/] },
    environment: 'node',
  },
});
