/** The Chromium to run (CHROMIUM_PATH, else /usr/bin/chromium). */
export declare const CHROMIUM_PATH: string;
/** Chromium's command-line switches. */
export declare const CHROMIUM_ARGS: string[];
