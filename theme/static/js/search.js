/* Briefing search: Pagefind's UI with the facet filters, served from this site.
   /search/?q=words&region=Libya&systems=S-400 opens with that query and those filters.
   A large archive is indexed in shards (pagefind/shards.json lists them): they are merged
   into one search here.

   What the page shows is always for the words and filters in the box now:
   - The Pagefind library is loaded, and every shard merged, before Pagefind's UI is mounted.
     Pagefind UI (1.5.2) numbers its searches only once it has loaded the library itself, so
     two searches started while it loads can finish in either order and the older one's
     results win, under the newer query's words.
   - A status line of ours (aria-live) says how many briefings match, or in words that none
     does, from a search of ours: every search carries a sequence number, and the answer to
     an older one is dropped, never shown.
   - Pagefind UI's list of results is hidden (its space kept) whenever it is not the list for
     the query and filters in the box: while typing, during the debounce, while it searches. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 200;  // the pause after a keystroke before searching (ours and Pagefind UI's)

  function start() {
    var root = document.getElementById("search");
    if (!root || typeof PagefindUI === "undefined") { return; }
    var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
    var view = statusLine();
    root.appendChild(view.bar);
    view.say("Loading the search…", true);
    var shards = fetch(bundle + "shards.json")
      .then(function (response) { return response.ok ? response.json() : { shards: [] }; })
      .catch(function () { return { shards: [] }; })
      .then(function (listing) { return listing.shards || []; });
    Promise.all([import(bundle + "pagefind.js"), shards])
      .then(function (loaded) {
        var pagefind = loaded[0];
        // the options Pagefind UI would set (it sets them again, to the same values)
        return pagefind.options({ excerptLength: 30 }).then(function () {
          return loaded[1].reduce(function (merged, shard) {
            return merged.then(function () { return pagefind.mergeIndex(bundle + shard, {}); });
          }, Promise.resolve());
        }).then(function () { return pagefind; });
      })
      .then(function (pagefind) { mount(root, bundle, pagefind, view); },
            function () { view.say("The search could not be loaded. Try again later.", false); });
  }

  // The status line: one element, there from the start, that screen readers announce.
  function statusLine() {
    var bar = document.createElement("div");
    bar.className = "search__status-bar";
    var status = document.createElement("p");
    status.className = "search__status";
    status.id = "search-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "search__clear-filters";
    clear.textContent = "Clear all filters";
    clear.hidden = true;
    bar.appendChild(status);
    bar.appendChild(clear);
    return {
      bar: bar,
      clear: clear,
      say: function (text, busy) {  // always as text: the query is the reader's input
        if (status.textContent !== text) { status.textContent = text; }
        if (busy) { status.setAttribute("aria-busy", "true"); } else { status.removeAttribute("aria-busy"); }
      }
    };
  }

  function mount(root, bundle, pagefind, view) {
    var params = new URLSearchParams(window.location.search);
    // the site's facets (the FACETS setting) as the page lists them; other parameters
    // (a tracking tag, say) are no filters
    var facets = (root.getAttribute("data-facets") || "").split(" ").filter(Boolean);
    var chosen = {};  // the filters ticked, as Pagefind UI keeps them: "facet:value" -> true
    facets.forEach(function (facet) {
      params.getAll(facet).forEach(function (value) { chosen[facet + ":" + value] = true; });
    });
    var seq = 0;          // our searches' sequence number
    var counted = null;   // the answer to our latest search: {term, filters, count}
    var timer = null;
    var last = null;      // the query and filters we last reacted to
    var listed = null;    // what Pagefind UI last started searching for: {term, filters}
    var listDone = false; // whether its list is on the page (not "searching")

    var ui = new PagefindUI({
      element: "#search",
      bundlePath: bundle,
      mergeIndex: [],  // merged above, before this UI could search
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      debounceTimeoutMs: DEBOUNCE_MS,
      translations: { placeholder: "Search the briefings" },
      // called as Pagefind UI starts a search: its list is for this term and these filters
      processTerm: function (term) {
        listed = { term: term, filters: filterKey() };
        listDone = false;
        return term;
      }
    });
    var input = root.querySelector("input[type='text'], input[type='search']");
    if (!input) { return; }
    // Pagefind's box has only a placeholder and a title: give it the page's visible heading as
    // its name and the line under it as its description.
    input.setAttribute("aria-labelledby", "search-heading");
    input.setAttribute("aria-describedby", "search-help");
    // the status line goes under the box, before the filters and results (the CSS places it)
    var drawer = root.querySelector(".pagefind-ui__drawer");
    if (drawer && drawer.parentNode) { drawer.parentNode.insertBefore(view.bar, drawer); }

    function ticked() {
      return Object.keys(chosen).filter(function (key) { return chosen[key]; }).sort();
    }
    function filterKey() { return ticked().join("\n"); }
    function filterObject() {
      var filters = {};
      ticked().forEach(function (key) {
        var cut = key.indexOf(":");
        var facet = key.slice(0, cut);
        (filters[facet] = filters[facet] || []).push(key.slice(cut + 1));
      });
      return filters;
    }

    // The box or the filters changed (or may have): drop what is on its way, count again.
    function changed() {
      var now = input.value + "\u0000" + filterKey();
      if (now !== last) {
        last = now;
        seq += 1;  // an answer still on its way is for an older query
        clearTimeout(timer);
        if (input.value.trim()) { timer = setTimeout(count, DEBOUNCE_MS); }
      }
      refresh();
    }
    function count() {
      var term = input.value;
      var filters = filterKey();
      var mine = ++seq;
      pagefind.search(term, { filters: filterObject() }).then(function (found) {
        if (mine !== seq) { return; }  // an older query's answer: dropped
        counted = { term: term, filters: filters, count: found.results.length };
        refresh();
      }, function () {
        if (mine !== seq) { return; }
        counted = { term: term, filters: filters, count: -1 };
        refresh();
      });
    }

    // Show what is known for the box as it is now, and nothing that is not for it.
    function refresh() {
      var term = input.value;
      var query = term.trim();
      var filters = filterKey();
      var known = counted && counted.term === term && counted.filters === filters ? counted : null;
      var shown = root.querySelectorAll(".pagefind-ui__result").length;
      var current = Boolean(query && known && listDone && listed && listed.term === term &&
                            listed.filters === filters &&
                            (known.count === 0 ? shown === 0 : shown > 0 && shown <= known.count));
      root.classList.toggle("search--stale", !current);
      var values = ticked().map(function (key) { return key.slice(key.indexOf(":") + 1); });
      view.clear.hidden = !(query && known && known.count === 0 && values.length);
      if (!query) {
        view.say("", false);
      } else if (!known) {
        view.say("Searching…", true);
      } else if (known.count < 0) {
        view.say("The search failed. Try again.", false);
      } else if (known.count === 0) {
        view.say("No briefing matches “" + query + "”." + (values.length ?
          " Filters narrow this search (" + values.join(", ") + "): untick them, or clear " +
          "all filters, to search every briefing." : ""), false);
      } else {
        view.say(known.count.toLocaleString(document.documentElement.lang || undefined) +
          (known.count === 1 ? " result" : " results") + " for “" + query + "”" +
          (values.length ? ", narrowed by " + values.length +
            (values.length === 1 ? " filter" : " filters") : "") + ".", false);
      }
    }

    // Pagefind UI redraws its results area as it searches and shows what it found.
    new MutationObserver(function () {
      var area = root.querySelector(".pagefind-ui__results-area");
      listDone = Boolean(area && area.querySelector(".pagefind-ui__results"));
      refresh();
    }).observe(root, { childList: true, subtree: true });
    root.addEventListener("input", function (event) {
      if (event.target === input) { changed(); }
    });
    root.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type === "checkbox" && box.name) {
        chosen[box.name + ":" + box.value] = box.checked;
        changed();
      }
    });
    // Pagefind UI's Clear button and Escape empty the box without an input event
    function soon() { setTimeout(changed, 0); }
    root.addEventListener("click", soon);
    root.addEventListener("keydown", soon);
    view.clear.addEventListener("click", function () {
      chosen = {};
      ui.triggerFilters({});
      input.focus();
      changed();
    });

    if (Object.keys(chosen).length) { ui.triggerFilters(filterObject()); }
    var query = params.get("q");
    if (query) { ui.triggerSearch(query); }
    soon();  // once Pagefind UI has put the query in the box
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
