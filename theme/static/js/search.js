/* Briefing search: Pagefind's UI with the facet filters, served from this site.
   /search/?q=words&region=Libya&systems=S-400 opens with that query and those filters. */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("search");
    if (!root || typeof PagefindUI === "undefined") { return; }
    var ui = new PagefindUI({
      element: "#search",
      bundlePath: root.getAttribute("data-bundle"),
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
    ["region", "actors", "systems"].forEach(function (facet) {
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
