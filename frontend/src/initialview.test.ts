import { describe, expect, it } from 'vitest';

import { INITIAL_ZOOM, initialZoom } from './initialview.ts';

describe('initialZoom', () => {
  it.each([
    ['wide desktop', 1920, INITIAL_ZOOM],
    ['1280 px test viewport', 1280, INITIAL_ZOOM],
    ['1024 px tablet', 1024, 1],
    ['512 px', 512, 0],
    ['phone narrower than the zoom-0 world', 360, 0],
    ['unknown width', 0, INITIAL_ZOOM],
    ['NaN width', Number.NaN, INITIAL_ZOOM],
  ])('%s (%d px)', (_name, width, want) => {
    expect(initialZoom(width)).toBeCloseTo(want, 6);
  });

  it('fits the whole world width into the container', () => {
    for (const width of [600, 800, 1000, 1200]) {
      expect(512 * 2 ** initialZoom(width)).toBeLessThanOrEqual(width);
    }
  });
});
