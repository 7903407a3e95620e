"""The features of a candidate tag: what the scorer's evidence says about one term of one
article, as numbers the fitted model (:mod:`.model`) weighs.

A candidate is a term with any evidence in the article (``Scorer.scores``). Its features,
per facet (:data:`FEATURES`: :data:`COMMON`, then the kind block :data:`KINDS`, then the
facet's own), all cheap (counts the scorer already keeps, a few lookups):

every facet
    ``sal`` the salience (the sum of the mentions' zone weights times their role shares,
    log1p), ``rel`` its share of the facet's top salience, ``top`` the facet's most salient,
    ``bar`` the salience reaches the hand bar (:data:`~.words.THRESHOLDS`), ``cnt``
    mentions (log1p), ``share`` of the facet's mentions, ``title``, ``lede``, ``early``
    (1 at the text's start, 0 at its end: the first mention), ``paras`` share of the
    article's paragraphs it is in, ``meanw`` salience per mention (low when the evidence is
    indirect: adjectives, quoted sources, a surname alone), ``ncand`` candidates of the
    facet (log1p: in a story naming two systems, each is likelier what it is about),
    ``caption`` seen only in photo captions, ``none`` no mention of any weight (a country
    only ever read as a place, for the actors facet).
region
    the term's kind (``k_country``, ``k_city``...); a country's role counts (``place_n``,
    ``actor_n``: mentions read as a place, as an actor, log1p), its salience as an actor
    (``acts``) and whether it is the top actor (``acts_top``), ``home`` the state of the
    leading actor, ``members`` the salience of the actors of that country (its leaders,
    forces, and the armed groups at home there: the Houthis for Yemen, see
    ``Matcher.home_of``), ``rival`` the salience of the strongest other place (not inside it
    nor around it), ``alone`` the leading actor's country with no rival place reaching the
    bar: the country where events happen often acts too; ``dateline``; ``child`` the
    salience of places inside it (Beirut for Lebanon), ``parent`` that of the country it is
    in.
actors
    the kind (``k_person``, ``k_state``...); ``full`` a person named in full; a country's
    ``place`` salience as a region and ``actor_n`` role count; ``child`` the salience of the
    actors under a state or body (its forces, its leaders), ``parent`` that of the body or
    state above.
systems
    the common features only: with few systems rows in the dev set, the fit leans on what
    the other facets teach (see ``tools/fit_tags.py``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .words import THRESHOLDS

if TYPE_CHECKING:
    from .scorer import Scorer

COMMON = ("sal", "rel", "top", "bar", "cnt", "share", "title", "lede", "early", "paras",
          "meanw", "ncand", "caption", "none")
#: the kind features of each facet, and the vocabulary kinds each stands for
KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "region": {"k_country": ("country",), "k_city": ("city",), "k_base": ("base",),
               "k_territory": ("territory",), "k_area": ("area",), "k_waters": ("waters",),
               "k_macro": ("macro-region",)},
    "actors": {"k_person": ("person",), "k_state": ("state",), "k_force": ("armed-force",),
               "k_group": ("armed-group", "pmc"), "k_org": ("organisation", "agency", "alliance"),
               "k_company": ("company",)},
    "systems": {},
}
_OWN = {"region": ("place_n", "actor_n", "acts", "acts_top", "home", "members", "rival",
                   "alone", "dateline", "child", "parent"),
        "actors": ("full", "place", "actor_n", "child", "parent"),
        "systems": ()}
FEATURES: dict[str, tuple[str, ...]] = {
    facet: COMMON + tuple(KINDS[facet]) + _OWN[facet] for facet in KINDS}

#: per facet: vocabulary kind -> its column in the kind block
_KIND_COL = {facet: {kind: j for j, kinds in enumerate(block.values()) for kind in kinds}
             for facet, block in KINDS.items()}
_log1p = math.log1p


def candidates(sc: "Scorer", full_names: set[str]) -> dict[str, list[tuple[str, list[float]]]]:
    """Per facet, each candidate's name and feature values (in :data:`FEATURES` order), in
    a fixed order (by name)."""
    m_, doc, terms = sc.m, sc.doc, sc.t.vocab.terms
    count, first, zones_of, paras = sc.count, sc.first, sc.zones, sc.paras
    sal: dict[str, dict[str, float]] = {"region": {}, "actors": {}, "systems": {}}
    for (facet, name), s in sc.scores.items():
        sal[facet][name] = s
    totals = {"region": 0, "actors": 0, "systems": 0}   # mentions of weight, per facet
    for (facet, _), c in count.items():
        totals[facet] += c
    n_text = max(1, len(doc.text))
    n_paras = max(1, doc.segs[-1].para + 1) if doc.segs else 1
    tops: dict[str, tuple[float, str | None]] = {}
    for facet, of in sal.items():
        if of:                              # the most salient; a tie: the first named
            best = max(of.values())
            tied = [n for n, s in of.items() if s == best]
            top = tied[0] if len(tied) == 1 else min(tied, key=lambda n: (first[(facet, n)], n))
            tops[facet] = (best, top)
        else:
            tops[facet] = (0.0, None)
    top_actor = tops["actors"][1]
    home = m_.state_of.get(top_actor) if top_actor else None
    country_parent = m_.country_parent
    sal_r, sal_a = sal["region"], sal["actors"]

    # the strongest places first: a place's rival is the strongest other place, not
    # inside it nor around it
    strongest = sorted(zip(sal_r.values(), sal_r), reverse=True)

    # places inside countries; actors under states and bodies; a country's own people
    child_r: dict[str, float] = {}
    for name, s in sal_r.items():
        parent = country_parent.get(name)
        if parent:
            child_r[parent] = child_r.get(parent, 0.0) + s
    child_a: dict[str, float] = {}
    members: dict[str, float] = {}
    actor_terms = terms["actors"]
    for name, s in sal_a.items():
        term = actor_terms.get(name)
        parent = term.parent if term else None
        if parent:
            child_a[parent] = child_a.get(parent, 0.0) + s
        state = m_.state_of.get(name)
        if state and state != name and state != parent:
            child_a[state] = child_a.get(state, 0.0) + s
        own = (state if state != name else None) or m_.home_of.get(name)
        if own:
            members[own] = members.get(own, 0.0) + s

    out: dict[str, list[tuple[str, list[float]]]] = {}
    roles_of = sc.roles
    for facet, of in sal.items():
        names = sorted(of)
        top_score, top_name = tops[facet]
        bar = THRESHOLDS[facet]
        ncand = _log1p(len(names))
        total = totals[facet] or 1
        kind_col = _KIND_COL[facet]
        facet_terms = terms[facet]
        n_kinds = len(KINDS[facet])
        rows = []
        for name in names:
            key = (facet, name)
            s = of[name]
            c = count.get(key, 0)
            zones = zones_of[key]
            x = [_log1p(s), s / top_score if top_score > 0 else 0.0,
                 1.0 if name == top_name else 0.0, 1.0 if s >= bar else 0.0, _log1p(c),
                 c / total, 1.0 if "title" in zones else 0.0, 1.0 if "lede" in zones else 0.0,
                 1.0 - first[key] / n_text if c else 0.0, len(paras[key]) / n_paras,
                 s / c if c else 0.0,
                 ncand, 1.0 if len(zones) == 1 and "caption" in zones else 0.0,
                 0.0 if s > 0 else 1.0]
            if n_kinds:
                kinds = [0.0] * n_kinds
                term = facet_terms.get(name)
                col = kind_col.get(term.kind) if term else None
                if col is not None:
                    kinds[col] = 1.0
                x += kinds
            if facet == "region":
                roles = roles_of.get(name)
                parent = country_parent.get(name)
                rival = 0.0
                for v, o in strongest:
                    if o != name and o != parent and country_parent.get(o) != name:
                        rival = v
                        break
                x += (_log1p(roles.get("place", 0)) if roles else 0.0,
                      _log1p(roles.get("actor", 0)) if roles else 0.0,
                      _log1p(sal_a.get(name, 0.0)),
                      1.0 if name == top_actor else 0.0,
                      1.0 if name == home else 0.0,
                      _log1p(members.get(name, 0.0)),
                      _log1p(rival),
                      1.0 if rival < bar and (name == top_actor or name == home) else 0.0,
                      1.0 if "dateline" in zones else 0.0,
                      _log1p(child_r.get(name, 0.0)),
                      _log1p(sal_r.get(parent, 0.0)) if parent else 0.0)
            elif facet == "actors":
                roles = roles_of.get(name)
                parent = term.parent if term else None
                x += (1.0 if name in full_names else 0.0,
                      _log1p(sal_r.get(name, 0.0)),
                      _log1p(roles.get("actor", 0)) if roles else 0.0,
                      _log1p(child_a.get(name, 0.0)),
                      _log1p(sal_a.get(parent, 0.0)) if parent else 0.0)
            rows.append((name, x))
        out[facet] = rows
    return out
