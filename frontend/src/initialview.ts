/** The centre of the first view: the whole world, nudged so Africa sits in the middle. */
export const INITIAL_CENTER: [number, number] = [15, 15];

/** The first zoom on a window wide enough to show the whole world (1280 px and up). */
export const INITIAL_ZOOM = 1.2;

/**
 * The first zoom for a map container `width` CSS pixels wide: INITIAL_ZOOM,
 * or less on a narrow screen so that the whole width of the world still fits
 * (a 512 px world at zoom 0 is 512 * 2^z px wide at zoom z). Never below 0.
 */
export function initialZoom(width: number): number {
  if (!(width > 0)) return INITIAL_ZOOM;
  return Math.max(0, Math.min(INITIAL_ZOOM, Math.log2(width / 512)));
}
