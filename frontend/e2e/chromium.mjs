// How the browser tests (browser.ts) and the idle benchmark (bench-idle.mjs)
// start Chromium: Debian's /usr/bin/chromium (or CHROMIUM_PATH), headless,
// through playwright-core; never a browser download. Plain JavaScript so
// that Node 20 runs bench-idle.mjs as is; chromium.d.mts types it for the
// TypeScript side.

/** The Chromium to run. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// --disable-gpu leaves WebGL to the software rasterizer, so it must stay enabled
// (never pass --disable-software-rasterizer). Playwright gives every launch a
// fresh temporary user-data-dir and removes it on close.
/** Chromium's command-line switches. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
