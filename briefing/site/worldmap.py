"""Region maps: a static SVG world map drawn at build time, countries shaded by how many
briefings they carry, places below country level as points.

Plain data, no Pelican: the ``digest`` plugin gives counts (from the facets plugin's roll-up)
and addresses, this module gives back a :class:`RegionMap` that the theme's
``partials/region_map.html`` draws. The geometry is Natural Earth's 1:110m countries
(public domain), generated into ``maps/world-110m.json`` by ``tools/build_world_map.py``
from the pinned npm package world-atlas (``maps/README.md`` says more). Every map shares
one file for the countries' outlines (:func:`base_svg`, written once per build and drawn
through ``<use>``); a page carries only what is its own: the shaded countries (each a link
with its name and count as label and tooltip), the points, the legend and a table of the
same counts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

GEOMETRY = Path(__file__).resolve().parent / "maps" / "world-110m.json"

# Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area, and its meridians curve
# gently, so no country looks larger than it is
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
TOP, BOTTOM = 84.0, -57.0  # latitudes the map shows (Antarctica is left out)
WIDTH = 10000


def _equal_earth(lat: float, lon: float) -> tuple[float, float]:
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(lon) * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_X_MAX = _equal_earth(0.0, 180.0)[0]
_SCALE = WIDTH / (2 * _X_MAX)
_Y_TOP = _equal_earth(TOP, 0.0)[1]
HEIGHT = round((_Y_TOP - _equal_earth(BOTTOM, 0.0)[1]) * _SCALE)


def project(lat: float, lon: float) -> tuple[float, float]:
    """Map units (0..WIDTH from west to east, 0..HEIGHT from north to south) of a point."""
    lat = max(min(lat, TOP), BOTTOM)
    x, y = _equal_earth(lat, lon)
    return (x + _X_MAX) * _SCALE, (_Y_TOP - y) * _SCALE


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    countries: Mapping[str, dict]  # code -> {name, d, box, main}
    source: str
    licence: str


@lru_cache(maxsize=2)
def load(path: str | None = None) -> Geometry:
    data = json.loads(Path(path or GEOMETRY).read_text(encoding="utf-8"))
    return Geometry(data["width"], data["height"], data["countries"], data["source"],
                    data["licence"])


# --- classes ------------------------------------------------------------------------------
def breaks(highest: int, classes: int) -> list[int]:
    """Upper bounds of the shading classes for counts 1..highest: one class per count while
    they fit, else classes growing geometrically (1, 2-3, 4-9, 10-27...), the last ending
    at ``highest``."""
    if highest <= 0:
        return []
    if highest <= classes:
        return list(range(1, highest + 1))
    bounds: list[int] = []
    for i in range(1, classes + 1):
        bound = max(round(highest ** (i / classes)), (bounds[-1] + 1) if bounds else 1)
        bounds.append(min(bound, highest))
    bounds[-1] = highest
    return sorted(set(bounds))


def class_of(count: int, bounds: list[int]) -> int:
    """1-based class of a count (0: none)."""
    if count <= 0:
        return 0
    for i, bound in enumerate(bounds, 1):
        if count <= bound:
            return i
    return len(bounds)


def legend(bounds: list[int]) -> list[tuple[int, str]]:
    out, low = [], 1
    for i, high in enumerate(bounds, 1):
        out.append((i, str(high) if high == low else f"{low}–{high}"))
        low = high + 1
    return out


# --- maps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """A term to draw: a country by its ISO code, or a point by its coordinates."""

    name: str
    url: str | None
    count: int
    iso: str | None = None
    lat: float | None = None
    lon: float | None = None
    direct: bool = True  # False: counted only through narrower places (an ocean, for its sea)


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    url: str | None
    count: int
    cls: int
    d: str


@dataclass(frozen=True)
class Point:
    name: str
    url: str | None
    count: int
    cls: int
    x: int
    y: int


@dataclass
class RegionMap:
    """What the map partial draws; ``view_box`` in map units, ``radius`` of the points."""

    title: str
    view_box: str
    base: str  # the shared outlines' address, relative to the site root, with #world
    shapes: list[Shape] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)
    rows: list[tuple[str, str | None, int]] = field(default_factory=list)  # the table
    radius: int = 40
    locator: bool = False

    @property
    def empty(self) -> bool:
        return not (self.shapes or self.points)

    def page_inputs(self, _display) -> tuple:
        """What a page shows of the map (the fastbuild writer fingerprints it)."""
        return (self.title, self.view_box, self.base, self.legend, self.rows, self.radius,
                self.locator, [(s.code, s.url, s.count, s.cls) for s in self.shapes],
                [(p.name, p.url, p.count, p.cls, p.x, p.y) for p in self.points])


def world_map(places: Iterable[Place], *, title: str, base: str, classes: int = 5,
              fit: bool = False, geometry: Geometry | None = None) -> RegionMap:
    """The world with every place that has briefings: countries with a shape shaded, places
    with coordinates as points (a country too small for the 1:110m shapes too); a place
    with neither is left out. With ``fit``, the view is the part of the world they are in
    (a quarter of its width at least), else the whole world."""
    geo = geometry or load()
    places = [p for p in places if p.count > 0 and (
        (p.iso and p.iso in geo.countries) or (p.lat is not None and p.lon is not None))]
    bounds = breaks(max((p.count for p in places), default=0), classes)
    shapes, points, rows, indirect = [], [], [], set()
    for place in sorted(places, key=lambda p: (-p.count, p.name.casefold())):
        cls = class_of(place.count, bounds)
        shape = geo.countries.get(place.iso) if place.iso else None
        if shape is not None:
            shapes.append(Shape(place.iso, place.name, place.url, place.count, cls, shape["d"]))
        elif place.lat is not None and place.lon is not None:
            x, y = project(place.lat, place.lon)
            points.append(Point(place.name, place.url, place.count, cls, round(x), round(y)))
            if not place.direct:
                indirect.add(len(points) - 1)
        else:
            continue
        rows.append((place.name, place.url, place.count))
    # larger shapes first, so that a small country drawn later stays on top and clickable
    shapes.sort(key=lambda s: -_area(geo.countries[s.code]["box"]))
    view = [0, 0, geo.width, geo.height]
    # the view fits what the briefings name: not an ocean that only its sea put on the map
    boxes = [geo.countries[s.code]["main"] for s in shapes] + [
        [p.x, p.y, p.x, p.y] for i, p in enumerate(points) if i not in indirect]
    if fit and boxes:
        view = _window([min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes)], geo,
                       least=geo.width // 4)
    return RegionMap(title=title, view_box=" ".join(map(str, view)), base=base,
                     shapes=shapes, points=points, legend=legend(bounds), rows=rows,
                     radius=max(round(view[2] / 180), 4))


def locator(place: Place, *, base: str, country: str | None = None,
            geometry: Geometry | None = None) -> RegionMap | None:
    """A small map of one place: its country shape highlighted (``place.iso``), or its point
    (with ``country``, the code of the country it is in, highlighted lightly), in a window
    around it. None when the map has neither."""
    geo = geometry or load()
    shape = geo.countries.get(place.iso) if place.iso else None
    host = geo.countries.get(country) if country and not shape else None
    shapes, points = [], []
    if shape is not None:
        shapes.append(Shape(place.iso, place.name, None, place.count, 1, shape["d"]))
        box = shape["main"]
    elif place.lat is not None and place.lon is not None:
        x, y = (round(v) for v in project(place.lat, place.lon))
        if host is not None:
            shapes.append(Shape(country, host["name"], None, 0, 0, host["d"]))
        points.append(Point(place.name, None, place.count, 1, x, y))
        box = host["main"] if host is not None else [x, y, x, y]
        box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
    else:
        return None
    view = _window(box, geo)
    return RegionMap(title=f"Where {place.name} is", view_box=" ".join(map(str, view)),
                     base=base, shapes=shapes, points=points, locator=True,
                     radius=max(round(view[2] / 90), 4))


def _window(box, geo: Geometry, aspect: float = 2.0, least: int = 900) -> list[int]:
    """A view box around ``box`` (x0, y0, x1, y1) with a margin, ``aspect`` wide to high,
    at least ``least`` units wide, kept inside the map where it can be."""
    x0, y0, x1, y1 = box
    width = max((x1 - x0) * 1.6, (y1 - y0) * 1.6 * aspect, least)
    width = min(width, geo.width)
    height = min(width / aspect, geo.height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - width / 2, 0), geo.width - width)
    top = min(max(cy - height / 2, 0), geo.height - height)
    return [round(left), round(top), round(width), round(height)]


def _area(box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def base_svg(geometry: Geometry | None = None) -> str:
    """The shared file of every map: each country's outline in ``<g id="world">``, with no
    colour of its own (a page's ``<use>`` gives the colours, light, dark or print)."""
    geo = geometry or load()
    paths = "\n".join(f'<path id="{code}" vector-effect="non-scaling-stroke" d="{c["d"]}"/>'
                      for code, c in sorted(geo.countries.items()))
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '
            f'{geo.width} {geo.height}">\n<title>World: {geo.source}; {geo.licence}</title>\n'
            f'<g id="world">\n{paths}\n</g>\n</svg>\n')
