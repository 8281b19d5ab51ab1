/**
 * The map for the components: the context that holds it, and hooks for
 * what they read from it or draw on it (the style's colours, the overlaps).
 */
import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';

import { matchPairs } from './colours.ts';
import type { MapView } from './mapview.ts';

/** The map, once it exists (null before, and when the browser has no WebGL). */
export const MapContext = createContext<MapView | null>(null);

export function useMap(): MapView | null {
  return useContext(MapContext);
}

/** The map, rendering the component again once its style has loaded (what the style defines is known from then on). */
export function useStyledMap(): MapView | null {
  const map = useMap();
  const [, redraw] = useState(0);
  useEffect(() => {
    if (map && !map.constituencyColours()) map.map.once('style.load', () => redraw((n) => n + 1));
  }, [map]);
  return map;
}

/** The constituency colours of the map's style by code (the same as the dots on the map); empty until it has loaded. */
export function useConstituencyColours(): Map<string, string> {
  const expr = useStyledMap()?.constituencyColours();
  return useMemo(() => new Map(matchPairs(expr)), [expr]);
}

/** Draws `fc` in the map's overlap layers while the component shows it; clears them (and the hover ring) when it goes. */
export function useDrawnOverlaps(map: MapView | null, fc: GeoJSON.FeatureCollection | null): void {
  useEffect(() => {
    map?.showOverlaps(fc);
  }, [map, fc]);
  useEffect(
    () => () => {
      map?.showOverlaps(null);
      map?.hover(null);
    },
    [map],
  );
}
