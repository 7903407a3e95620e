/* Briefing search: our own page over Pagefind's search library, served from this site.

   /search/?q=words&region=Libya&systems=S-400&sort=newest&from=2020-01&to=2024-12 opens with
   that query, those filters, that order and that date range; the address follows what the
   reader changes, so a search can be shared.

   What the page shows is always for the words, filters and dates on screen now:
   - every search carries a sequence number; the answer to an older one is dropped, and the
     list is hidden (its space kept) from a keystroke until the answer for the box is painted;
   - a status line (aria-live) says how many briefings match, or in words that none does;
   - the active filters are chips above the results, each one removable, and their panels
     are open; a filter value that would leave no result is not offered;
   - a parent term's filter finds its descendants' briefings (the theme writes each
     briefing's filters with the roll-up: Libya for a briefing tagged Tobruk);
   - snippets come from the article's text only (from the element with id "briefing-text"
     on; Pagefind records where it starts), never from the title or the byline.

   A large archive is indexed in shards (pagefind/shards.json lists them): they are merged
   into one search before the first one runs.  Everything scraped is set as text, never as
   HTML. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 200;   // the pause after a keystroke before searching
  var PAGE = 10;           // results shown at a time ("Show more results")
  var SNIPPET_WORDS = 30;  // words in a snippet
  var FEW = 8;             // filter values shown before "Show all"
  var BODY_ANCHOR = "briefing-text";
  var MONTH = "month";     // the date filter the theme writes (YYYY-MM)
  var SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };

  function $(root, sel) { return root.querySelector(sel); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function number(n) { return n.toLocaleString(document.documentElement.lang || undefined); }
  function monthName(ym) {
    var parts = ym.split("-");
    var date = new Date(Date.UTC(+parts[0], +parts[1] - 1, 1));
    return isNaN(date) ? ym : date.toLocaleDateString(document.documentElement.lang || undefined,
      { month: "short", year: "numeric", timeZone: "UTC" });
  }

  function start() {
    var form = document.getElementById("search");
    if (!form) { return; }
    var bundle = new URL(form.getAttribute("data-bundle"), document.baseURI).href;
    var status = document.getElementById("search-status");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    say(status, "Loading the search…", true);
    var shards = fetch(bundle + "shards.json")
      .then(function (response) { return response.ok ? response.json() : { shards: [] }; })
      .catch(function () { return { shards: [] }; })
      .then(function (listing) { return listing.shards || []; });
    Promise.all([import(bundle + "pagefind.js"), shards])
      .then(function (loaded) {
        var pagefind = loaded[0];
        // result addresses are relative to the site's root: the folder the bundle is in
        var base = new URL("..", bundle).pathname;
        return pagefind.options({ baseUrl: base, excerptLength: SNIPPET_WORDS }).then(function () {
          return loaded[1].reduce(function (merged, shard) {
            return merged.then(function () { return pagefind.mergeIndex(bundle + shard, {}); });
          }, Promise.resolve());
        }).then(function () {
          // the filters' counts load beside the first search, not before it
          mount(form, pagefind, pagefind.filters(), status);
        });
      })
      .catch(function () { say(status, "The search could not be loaded. Try again later.", false); });
  }

  function say(status, text, busy) {  // always as text: the query is the reader's input
    if (status.textContent !== text) { status.textContent = text; }
    if (busy) { status.setAttribute("aria-busy", "true"); } else { status.removeAttribute("aria-busy"); }
  }

  // --- the state: what the reader asked for, read from and written to the address ----------

  function readState(params, facets) {
    var state = { q: params.get("q") || "", sort: params.get("sort") || "", from: params.get("from") || "",
                  to: params.get("to") || "", filters: {} };
    if (!SORTS[state.sort]) { state.sort = ""; }
    facets.forEach(function (facet) {
      var values = params.getAll(facet).filter(Boolean);
      if (values.length) { state.filters[facet] = values.filter(function (v, i) { return values.indexOf(v) === i; }); }
    });
    return state;
  }

  function writeState(state, facets) {
    var params = new URLSearchParams();
    if (state.q) { params.set("q", state.q); }
    facets.forEach(function (facet) {
      (state.filters[facet] || []).forEach(function (value) { params.append(facet, value); });
    });
    ["sort", "from", "to"].forEach(function (key) { if (state[key]) { params.set(key, state[key]); } });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  function key(state) {
    return JSON.stringify([state.q, state.sort, state.from, state.to, state.filters]);
  }

  // --- the page -----------------------------------------------------------------------------

  function mount(form, pagefind, filtersLoaded, status) {
    var facets = (form.getAttribute("data-facets") || "").split(" ").filter(Boolean);
    var labels = {};
    facets.forEach(function (facet) {
      var panel = $(form, '[data-facet="' + facet + '"]');
      labels[facet] = panel ? panel.getAttribute("data-label") : facet;
    });
    var input = $(form, "#search-input");
    var sortBox = $(form, "#search-sort");
    var fromBox = $(form, "#search-from");
    var toBox = $(form, "#search-to");
    var chips = $(form, "#search-chips");
    var clearAll = $(form, ".search__clear-filters");
    var list = $(form, "#search-results");
    var more = $(form, "#search-more");
    var all = {};     // every filter value with its count (once loaded)
    var months = [];  // the months briefings were published in, oldest first

    var state = readState(new URLSearchParams(window.location.search), facets);
    var asked = { from: state.from, to: state.to };
    // words typed while the index loaded (or kept by the browser on "back") are the reader's
    if (input.value) { state.q = input.value; } else { input.value = state.q; }
    sortBox.value = state.sort;

    function takeFilters(loaded) {
      all = loaded || {};
      months = Object.keys(all[MONTH] || {}).sort();
      fillMonths(fromBox, months, "Any date");
      fillMonths(toBox, months, "Any date");
      state.from = months.indexOf(asked.from) >= 0 ? asked.from : "";
      state.to = months.indexOf(asked.to) >= 0 ? asked.to : "";
      fromBox.value = state.from;
      toBox.value = state.to;
    }

    var seq = 0;          // our searches' sequence number: an answer to an older one is dropped
    var timer = null;
    var shownKey = null;  // the state the list on screen is for
    var found = null;     // the latest answer: {results, filters}
    var showing = 0;      // results painted from it

    function active() {
      var out = [];
      facets.forEach(function (facet) {
        (state.filters[facet] || []).forEach(function (value) { out.push([facet, value]); });
      });
      return out;
    }
    function range() {  // the months between From and To (either may be open), or null
      if (!state.from && !state.to) { return null; }
      var low = state.from || months[0], high = state.to || months[months.length - 1];
      if (low > high) { var swap = low; low = high; high = swap; }
      return months.filter(function (m) { return m >= low && m <= high; });
    }
    function pagefindFilters() {
      var filters = {};
      facets.forEach(function (facet) {
        if ((state.filters[facet] || []).length) { filters[facet] = state.filters[facet].slice(); }
      });
      var within = range();
      if (within) { filters[MONTH] = { any: within.length ? within : ["none"] }; }
      return filters;
    }
    function narrowed() { return active().length > 0 || range() !== null; }

    // Something the reader controls changed: forget what is on its way, search again.
    function changed(now) {
      state.q = input.value;
      state.sort = sortBox.value;
      state.from = fromBox.value;
      state.to = toBox.value;
      writeState(state, facets);
      seq += 1;
      clearTimeout(timer);
      drawChips();
      stale();
      if (!state.q.trim() && !narrowed()) {
        found = null;
        shownKey = key(state);
        paint([], 0);
        drawFilters(all);
        say(status, "", false);
        return;
      }
      say(status, "Searching…", true);
      timer = setTimeout(search, now ? 0 : DEBOUNCE_MS);
    }

    function stale() {
      form.classList.toggle("search--stale", shownKey !== key(state));
    }

    function search() {
      var mine = ++seq;
      var asked = key(state);
      var query = state.q.trim();
      var options = { filters: pagefindFilters() };
      // without words there is no relevance: newest first
      var order = state.sort || (query ? "" : "newest");
      if (order) { options.sort = SORTS[order]; }
      pagefind.search(query || null, options).then(function (answer) {
        if (mine !== seq) { return null; }
        return load(answer.results.slice(0, PAGE)).then(function (items) {
          if (mine !== seq) { return; }  // an older query's answer: dropped
          found = answer;
          shownKey = asked;
          paint(items, answer.results.length);
          drawFilters(answer.filters || {});
          report(answer.results.length, query);
        });
      }).catch(function () {
        if (mine !== seq) { return; }
        found = null;
        shownKey = asked;
        paint([], 0);
        say(status, "The search failed. Try again.", false);
      });
    }

    function load(results) {
      return Promise.all(results.map(function (result) { return result.data(); }));
    }

    function report(count, query) {
      var filters = active().map(function (pair) { return pair[1]; });
      var dates = range() !== null;
      var what = query ? "“" + query + "”" : "the filters";
      clearAll.hidden = !narrowed();
      if (count === 0) {
        var text = query ? "No briefing matches “" + query + "”." : "No briefing matches these filters.";
        if (filters.length || dates) {
          text += " " + (filters.length ? "Filters narrow this search (" + filters.join(", ") + ")" : "A date range narrows this search") +
            ": " + (query ? "untick them, or clear all filters, to search every briefing." : "remove some to see more.");
        }
        say(status, text, false);
        return;
      }
      var narrowing = filters.length + (dates ? 1 : 0);
      say(status, number(count) + (count === 1 ? " result" : " results") + " for " + what +
        (query && narrowing ? ", narrowed by " + narrowing + (narrowing === 1 ? " filter" : " filters") : "") + ".", false);
    }

    // --- drawing ---

    function paint(items, total) {
      list.textContent = "";
      showing = 0;
      append(items);
      more.hidden = showing >= total;
      stale();
    }
    function append(items) {
      items.forEach(function (data) { list.appendChild(resultItem(data, state.q)); });
      showing += items.length;
    }
    more.addEventListener("click", function () {
      if (!found) { return; }
      var mine = seq, answer = found;
      more.disabled = true;
      load(answer.results.slice(showing, showing + PAGE)).then(function (items) {
        more.disabled = false;
        if (mine !== seq || answer !== found) { return; }
        append(items);
        more.hidden = showing >= answer.results.length;
      });
    });

    function drawChips() {
      chips.textContent = "";
      active().forEach(function (pair) {
        chips.appendChild(chip(labels[pair[0]] + ": " + pair[1], function () {
          state.filters[pair[0]] = (state.filters[pair[0]] || []).filter(function (v) { return v !== pair[1]; });
          if (!state.filters[pair[0]].length) { delete state.filters[pair[0]]; }
          form.querySelectorAll('input[type="checkbox"][name="' + pair[0] + '"]').forEach(function (b) {
            if (b.value === pair[1]) { b.checked = false; }
          });
          changed(true);
          input.focus();
        }));
      });
      if (range() !== null) {
        var low = state.from ? monthName(state.from) : "the first", high = state.to ? monthName(state.to) : "the latest";
        chips.appendChild(chip("Dates: " + low + " to " + high, function () {
          fromBox.value = ""; toBox.value = "";
          changed(true);
          input.focus();
        }));
      }
      chips.parentNode.hidden = !chips.children.length;
    }
    function chip(text, remove) {
      var item = el("li", { className: "search__chip" });
      var button = el("button", { type: "button", className: "search__chip-remove",
                                  "aria-label": "Remove filter " + text });
      button.appendChild(el("span", {}, text));
      button.appendChild(el("span", { "aria-hidden": "true", className: "search__chip-x" }, "×"));
      button.addEventListener("click", remove);
      item.appendChild(button);
      return item;
    }

    var expanded = {};  // facets whose whole list the reader asked for
    function drawFilters(counts) {
      facets.forEach(function (facet) {
        var panel = $(form, '[data-facet="' + facet + '"]');
        if (!panel) { return; }
        var chosen = state.filters[facet] || [];
        var values = counts[facet] || {};
        var names = Object.keys(values).filter(function (v) { return values[v] > 0 || chosen.indexOf(v) >= 0; });
        chosen.forEach(function (v) { if (names.indexOf(v) < 0) { names.push(v); } });
        names.sort(function (a, b) {
          var ca = chosen.indexOf(a) >= 0, cb = chosen.indexOf(b) >= 0;
          if (ca !== cb) { return ca ? -1 : 1; }
          return (values[b] || 0) - (values[a] || 0) || a.localeCompare(b);
        });
        var box = $(panel, ".search__values");
        var focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.value : null;
        box.textContent = "";
        var limit = expanded[facet] ? names.length : Math.max(FEW, chosen.length);
        names.slice(0, limit).forEach(function (value) {
          var id = "f-" + facet + "-" + Array.from(value).map(function (c) { return c.charCodeAt(0).toString(36); }).join("");
          var row = el("li", { className: "search__value" });
          var tick = el("input", { type: "checkbox", name: facet, id: id });
          tick.value = value;
          tick.checked = chosen.indexOf(value) >= 0;
          var label = el("label", { "for": id });
          label.appendChild(document.createTextNode(value + " "));
          label.appendChild(el("span", { className: "search__value-count" }, "(" + number(values[value] || 0) + ")"));
          row.appendChild(tick);
          row.appendChild(label);
          box.appendChild(row);
          if (focused === value) { tick.focus(); }
        });
        var all = $(panel, ".search__show-all");
        all.hidden = names.length <= limit;
        all.textContent = "Show all " + number(names.length);
        var summaryCount = $(panel, ".search__facet-on");
        summaryCount.textContent = chosen.length ? " (" + chosen.length + " on)" : "";
        if (chosen.length) { panel.open = true; }
        panel.hidden = names.length === 0;
      });
    }
    form.querySelectorAll(".search__show-all").forEach(function (button) {
      button.addEventListener("click", function () {
        var facet = button.closest("[data-facet]").getAttribute("data-facet");
        expanded[facet] = true;
        drawFilters(found ? found.filters || {} : all);
      });
    });

    form.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type === "checkbox" && facets.indexOf(box.name) >= 0) {
        var values = (state.filters[box.name] || []).filter(function (v) { return v !== box.value; });
        if (box.checked) { values.push(box.value); }
        if (values.length) { state.filters[box.name] = values; } else { delete state.filters[box.name]; }
        changed(true);
      } else if (box === sortBox || box === fromBox || box === toBox) {
        changed(true);
      }
    });
    input.addEventListener("input", function () { changed(false); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); changed(true); }
    });
    clearAll.addEventListener("click", function () {
      state.filters = {};
      fromBox.value = ""; toBox.value = "";
      form.querySelectorAll('.search__values input[type="checkbox"]').forEach(function (b) { b.checked = false; });
      changed(true);
      input.focus();
    });

    // The filters' counts for the answer on screen, once they have loaded (the list stays)
    function recount() {
      var mine = seq, shown = shownKey;
      if (!found || shown !== key(state)) { drawFilters(all); return; }
      var options = { filters: pagefindFilters() };
      pagefind.search(state.q.trim() || null, options).then(function (answer) {
        if (mine === seq && shown === shownKey) { drawFilters(answer.filters || {}); }
      });
    }

    var fromAddress = active().length > 0 || asked.from || asked.to;
    if (fromAddress) {  // filters from the address: they must be known to search
      filtersLoaded.then(function (loaded) {
        takeFilters(loaded);
        form.classList.add("search--ready");
        drawFilters(all);
        changed(true);
      });
    } else {
      form.classList.add("search--ready");
      changed(true);
      filtersLoaded.then(function (loaded) {
        takeFilters(loaded);
        recount();
      });
    }
  }

  function fillMonths(select, months, anyText) {
    select.textContent = "";
    select.appendChild(el("option", { value: "" }, anyText));
    months.forEach(function (m) { select.appendChild(el("option", { value: m }, monthName(m))); });
  }

  // --- one result: its title, date and a snippet of its text ------------------------------

  function resultItem(data, query) {
    var item = el("li", { className: "search__result" });
    var heading = el("h2", { className: "search__result-title" });
    var link = el("a", { className: "search__result-link", href: data.url },
                  (data.meta && data.meta.title) || data.url);
    heading.appendChild(link);
    item.appendChild(heading);
    if (data.meta && data.meta.date) {
      item.appendChild(el("p", { className: "search__result-meta" }, data.meta.date));
    }
    var snippet = el("p", { className: "search__result-excerpt" });
    snippetOf(data, query).forEach(function (part) {
      snippet.appendChild(part.mark ? el("mark", {}, part.text) : document.createTextNode(part.text));
    });
    item.appendChild(snippet);
    return item;
  }

  // The words of the article's text (from the body anchor on), around its best run of
  // matches: [{text, mark}], marks on the words Pagefind matched.
  function snippetOf(data, query) {
    var words = (data.content || "").split(/[\r\n\s]+/g);
    var body = 0;
    (data.anchors || []).forEach(function (anchor) { if (anchor.id === BODY_ANCHOR) { body = anchor.location; } });
    var hits = (data.locations || []).filter(function (at) { return at >= body; }).sort(function (a, b) { return a - b; });
    var begin = body;
    if (hits.length && query.trim()) {
      var best = -1;
      hits.forEach(function (at) {
        var from = Math.max(body, at - 5);
        var inside = hits.filter(function (h) { return h >= from && h < from + SNIPPET_WORDS; }).length;
        if (inside > best) { best = inside; begin = from; }
      });
    }
    var end = Math.min(words.length, begin + SNIPPET_WORDS);
    var marked = {};
    if (query.trim()) { hits.forEach(function (at) { marked[at] = true; }); }
    var parts = [];
    if (begin > body) { parts.push({ text: "… ", mark: false }); }
    for (var i = begin; i < end; i += 1) {
      if (!words[i]) { continue; }
      if (marked[i]) {
        parts.push({ text: words[i], mark: true });
        parts.push({ text: " ", mark: false });
      } else if (parts.length && !parts[parts.length - 1].mark && parts[parts.length - 1].text !== " ") {
        parts[parts.length - 1].text += words[i] + " ";
      } else {
        parts.push({ text: words[i] + " ", mark: false });
      }
    }
    if (end < words.length) { parts.push({ text: "…", mark: false }); }
    return parts;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
