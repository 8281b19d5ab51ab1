import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

import type { MapView } from './mapview.ts';

/** The map, once it exists (null before, and when the browser has no WebGL). */
export const MapContext = createContext<MapView | null>(null);

export function useMap(): MapView | null {
  return useContext(MapContext);
}
