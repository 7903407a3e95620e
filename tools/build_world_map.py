"""Make the region maps' geometry: briefing/site/maps/world-110m.json from Natural Earth.

    python tools/build_world_map.py [--atlas node_modules/world-atlas] [--check]

The source is Natural Earth's 1:110m admin-0 countries (public domain) as the npm package
world-atlas ships them (``countries-110m.json``, TopoJSON; the package is ISC licensed and
pinned in package.json: ``npm ci`` installs it). Each shared border (a TopoJSON arc) is
projected (Equal Earth, :func:`briefing.site.worldmap.project`) and simplified once, so two
neighbours keep the same border and no gap opens between them; then each country's rings are
written as one compact SVG path in whole units of a 10,000-unit-wide map, keyed by its
ISO 3166-1 alpha-2 code (from the feature's numeric code, with the ``iso3166`` package).
Antarctica is left out (it would take a quarter of the map's height). Natural Earth's three
shapes with no ISO code are joined to the code their vocabulary term is under: Somaliland to
Somalia, Northern Cyprus to Cyprus, and Kosovo takes its user-assigned code XK.

``--check`` rebuilds in memory and fails if the committed file differs (it is generated,
never edited by hand).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.core import fileio  # noqa: E402
from briefing.site import worldmap  # noqa: E402

OUT = ROOT / "briefing" / "site" / "maps" / "world-110m.json"
ATLAS = ROOT / "node_modules" / "world-atlas"
LEFT_OUT = {"010"}  # Antarctica
NO_CODE = {"Somaliland": "SO", "N. Cyprus": "CY", "Kosovo": "XK"}
#: Visvalingam-Whyatt: a point whose triangle with its neighbours is smaller than this
#: (in square map units) goes; rings smaller than MIN_RING_AREA go too
MIN_TRIANGLE = 60.0
MIN_RING_AREA = 150.0


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _area(a, b, c) -> float:
    return abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[int]:
    """Visvalingam-Whyatt: the indices of the points kept once every point of smallest
    effective area under ``tolerance`` is dropped; the ends (where arcs meet) always stay."""
    keep = list(range(len(points)))
    changed = True
    while changed and len(keep) > 3:
        changed = False
        areas = [_area(points[keep[i - 1]], points[keep[i]], points[keep[i + 1]])
                 for i in range(1, len(keep) - 1)]
        if min(areas) >= tolerance:
            break
        # drop the small points of this pass, never two neighbours at once
        out, skipped = [keep[0]], False
        for i in range(1, len(keep) - 1):
            if not skipped and areas[i - 1] < tolerance:
                skipped = changed = True
                continue
            out.append(keep[i])
            skipped = False
        out.append(keep[-1])
        keep = out
    return keep


def split_at_antimeridian(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring of (lon, lat) that crosses the 180th meridian (Fiji, Chukotka) as the two
    rings either side of it; any other ring as it is."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:] + ring[:1])):
        return [ring]
    unwrapped, shift = [], 0.0
    for i, (lon, lat) in enumerate(ring):
        if i and abs(lon + shift - unwrapped[-1][0]) > 180:
            shift += 360 if lon + shift < unwrapped[-1][0] else -360
        unwrapped.append((lon + shift, lat))
    meridian = 180.0 if max(p[0] for p in unwrapped) > 180 else -180.0
    west = _clip(unwrapped, meridian, keep_below=True)
    east = _clip(unwrapped, meridian, keep_below=False)
    if meridian > 0:
        east = [(lon - 360, lat) for lon, lat in east]
    else:
        west = [(lon + 360, lat) for lon, lat in west]
    return [r for r in (west, east) if len(r) >= 3]


def _clip(ring, x_line: float, keep_below: bool):
    """Sutherland-Hodgman: the part of the ring west (``keep_below``) or east of a meridian."""
    def inside(p):
        return p[0] <= x_line if keep_below else p[0] >= x_line

    out = []
    for a, b in zip(ring, ring[1:] + ring[:1]):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (x_line - a[0]) / (b[0] - a[0])
            out.append((x_line, a[1] + t * (b[1] - a[1])))
    return out


def ring_area(ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def path_of(rings: list[list[tuple[int, int]]]) -> str:
    """An SVG path: each ring an absolute move, then relative lines in whole units."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        out = [f"M{x0} {y0}l"]
        px, py = x0, y0
        steps = []
        for x, y in ring[1:]:
            steps.append(f"{x - px} {y - py}")
            px, py = x, y
        out.append(" ".join(steps).replace(" -", "-"))
        parts.append("".join(out) + "z")
    return "".join(parts)


def build(atlas: Path) -> dict:
    import iso3166

    topology = json.loads((atlas / "countries-110m.json").read_text(encoding="utf-8"))
    version = json.loads((atlas / "package.json").read_text(encoding="utf-8"))["version"]
    arcs = []
    for arc in decode_arcs(topology):
        kept = simplify([worldmap.project(lat, lon) for lon, lat in arc], MIN_TRIANGLE)
        arcs.append([arc[i] for i in kept])

    def ring(indices):
        out: list[tuple[float, float]] = []
        for index in indices:
            points = arcs[index] if index >= 0 else arcs[~index][::-1]
            out.extend(points[1:] if out else points)
        return out

    countries: dict[str, dict] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric, name = geometry.get("id"), geometry["properties"]["name"]
        if numeric in LEFT_OUT:
            continue
        code = NO_CODE.get(name) or iso3166.countries_by_numeric[numeric].alpha2
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        entry = countries.setdefault(code, {"name": iso3166.countries_by_alpha2[code].name,
                                            "rings": [], "main": None, "main_area": 0})
        for polygon in polygons:
            rings = []
            for indices in polygon:
                for part in split_at_antimeridian(ring(indices)):
                    points = [tuple(round(v) for v in worldmap.project(lat, lon))
                              for lon, lat in part]
                    points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
                    if points and points[0] == points[-1]:
                        points.pop()
                    if len(points) >= 3:
                        rings.append(points)
            if not rings or ring_area(rings[0]) < MIN_RING_AREA:
                continue
            entry["rings"].extend(rings)
            if ring_area(rings[0]) > entry["main_area"]:
                entry["main_area"] = ring_area(rings[0])
                entry["main"] = _box(rings[0])
    out = {}
    for code in sorted(countries):
        entry = countries[code]
        if not entry["rings"]:
            continue
        out[code] = {"name": entry["name"], "box": _box([p for r in entry["rings"] for p in r]),
                     "main": entry["main"], "d": path_of(entry["rings"])}
    return {
        "source": "Natural Earth 1:110m admin-0 countries, from the npm package "
                  f"world-atlas {version} (countries-110m.json)",
        "version": version,
        "licence": "Natural Earth data: public domain; world-atlas: ISC",
        "generator": "tools/build_world_map.py (do not edit by hand)",
        "projection": "Equal Earth",
        "simplified": f"Visvalingam-Whyatt, triangles under {MIN_TRIANGLE:g} and rings under "
                      f"{MIN_RING_AREA:g} square units dropped",
        "left_out": ["Antarctica"],
        "width": worldmap.WIDTH,
        "height": worldmap.HEIGHT,
        "countries": out,
    }


def _box(points) -> list[int]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [min(xs), min(ys), max(xs), max(ys)]


def dumps(data: dict) -> str:
    head = {k: v for k, v in data.items() if k != "countries"}
    lines = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "countries": {\n'
    rows = [f"  {json.dumps(code)}: {json.dumps(entry, ensure_ascii=False, separators=(',', ':'))}"
            for code, entry in data["countries"].items()]
    return lines + ",\n".join(rows) + "\n }\n}\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atlas", type=Path, default=ATLAS,
                        help="the world-atlas package folder (default: node_modules/world-atlas)")
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed file is not what this script makes")
    args = parser.parse_args(argv)
    if not (args.atlas / "countries-110m.json").exists():
        print(f"{args.atlas}: no countries-110m.json; run npm ci", file=sys.stderr)
        return 2
    text = dumps(build(args.atlas))
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT.relative_to(ROOT)}: {'up to date' if same else 'differs: rebuild it'}")
        return 0 if same else 1
    fileio.write_atomic(OUT, text)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(text.encode()):,} bytes, "
          f"{len(json.loads(text)['countries'])} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
