/* Briefing search: Pagefind's UI with the facet filters, served from this site.
   /search/?q=words&region=Libya&systems=S-400 opens with that query and those filters.
   A large archive is indexed in shards (pagefind/shards.json lists them): they are merged
   into one search here. */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("search");
    if (!root || typeof PagefindUI === "undefined") { return; }
    var bundle = root.getAttribute("data-bundle");
    fetch(bundle + "shards.json")
      .then(function (response) { return response.ok ? response.json() : { shards: [] }; })
      .catch(function () { return { shards: [] }; })
      .then(function (listing) { mount(root, bundle, listing.shards || []); });
  }
  function mount(root, bundle, shards) {
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: bundle,
      mergeIndex: shards.map(function (shard) { return { bundlePath: bundle + shard }; }),
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      translations: { placeholder: "Search the briefings" }
    });
    // Pagefind's box has only a placeholder and a title: give it the page's visible heading as
    // its name and the line under it as its description.
    var input = root.querySelector("input[type='text'], input[type='search']");
    if (input) {
      input.setAttribute("aria-labelledby", "search-heading");
      input.setAttribute("aria-describedby", "search-help");
    }
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    // the site's facets (the FACETS setting) as the page lists them; other parameters
    // (a tracking tag, say) are no filters
    var facets = (root.getAttribute("data-facets") || "").split(" ").filter(Boolean);
    facets.forEach(function (facet) {
      var values = params.getAll(facet);
      if (values.length) { filters[facet] = values; }
    });
    if (Object.keys(filters).length) { ui.triggerFilters(filters); }
    var query = params.get("q");
    if (query) { ui.triggerSearch(query); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
