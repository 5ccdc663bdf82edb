// briefgen preview: live reload (Server-Sent Events), scroll and the home page's filters kept across
// reloads, the errors in the tab's title and icon, the toolbar first in the page, Alt-click to open the
// fact sheet at a value's line, the release switcher.
// Injected by `briefgen serve` only; published briefs never carry it.
(function () {
  "use strict";
  var configElement = document.getElementById("briefgen-config");
  if (!configElement) { return; }
  var config = JSON.parse(configElement.textContent);
  var scrollKey = "briefgen-scroll:" + location.pathname + location.search;
  // The browser's own restoration would fight ours (and move with the content above).
  if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }

  function restoreScroll() {
    var saved = null;
    try { saved = sessionStorage.getItem(scrollKey); } catch (e) { return; }
    if (saved === null) { return; }
    var y = parseFloat(saved) || 0;
    window.scrollTo(0, y);
    window.addEventListener("load", function () {
      window.scrollTo(0, y);
      try { sessionStorage.removeItem(scrollKey); } catch (e) { /* storage off */ }
    });
    if (document.readyState === "complete") {
      try { sessionStorage.removeItem(scrollKey); } catch (e) { /* storage off */ }
    }
  }

  // --- the home page's search and filters survive a reload --------------------------
  var filtersKey = "briefgen-filters:" + location.pathname;
  var filters = document.querySelector("form.index-filters");

  function saveFilters() {
    if (!filters) { return; }
    var values = {};
    Array.prototype.forEach.call(filters.querySelectorAll("input[id], select[id]"), function (field) {
      if (field.value) { values[field.id] = field.value; }
    });
    try { sessionStorage.setItem(filtersKey, JSON.stringify(values)); } catch (e) { /* storage off */ }
  }

  function restoreFilters() {
    if (!filters) { return; }
    var values = null;
    try {
      values = JSON.parse(sessionStorage.getItem(filtersKey) || "null");
      sessionStorage.removeItem(filtersKey);
    } catch (e) { return; }
    if (!values) { return; }
    var changed = null;
    Object.keys(values).forEach(function (id) {
      var field = document.getElementById(id);
      if (!field || !filters.contains(field)) { return; }
      field.value = values[id];
      if (field.value === values[id]) { changed = field; }  // a choice the new list no longer has stays "All"
    });
    // The index's own script filters on "input".
    if (changed) { changed.dispatchEvent(new Event("input", { bubbles: true })); }
  }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* storage off */ }
    saveFilters();
    location.reload();
  }
  window.briefgenReload = reload;
  restoreFilters();

  // --- the toolbar takes its own room at the top of the page, never over a banner or text ---
  var toolbar = document.getElementById("briefgen-toolbar");
  if (toolbar && document.body.firstElementChild !== toolbar) {
    document.body.insertBefore(toolbar, document.body.firstChild);
  }
  restoreScroll();

  // --- errors and warnings in the tab's title and icon -----------------------------
  var baseTitle = document.title;

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : "s"); }

  // The page as a document when all is well; with findings, their count in white on a red disc
  // (amber for warnings alone) that fills the icon, so that it reads at 16 px.
  function icon(state) {
    var count = state.errors || state.warnings;
    if (!count) {
      return '<rect x="5" y="2" width="22" height="28" rx="3" fill="#0b5cad"/>' +
        '<path d="M10 10h12M10 16h12M10 22h8" stroke="#fff" stroke-width="2.5"/>';
    }
    var shown = count > 99 ? "99+" : String(count);
    var colour = state.errors ? "#c62828" : "#b26a00";
    var size = shown.length > 2 ? 13 : shown.length > 1 ? 19 : 24;
    return '<circle cx="16" cy="16" r="16" fill="' + colour + '"/>' +
      '<text x="16" y="16" dy=".35em" text-anchor="middle" font-family="Arial,Helvetica,sans-serif" ' +
      'font-weight="bold" font-size="' + size + '" fill="#fff">' + shown + "</text>";
  }

  function showState(state) {
    if (!state) { return; }
    var found = [];
    if (state.errors) { found.push(plural(state.errors, "error")); }
    if (state.warnings) { found.push(plural(state.warnings, "warning")); }
    var title = config.brand ? baseTitle + " \u2014 briefgen preview" : baseTitle;
    document.title = (found.length ? "(" + found.join(", ") + ") " : "") + title;
    var link = document.getElementById("briefgen-favicon");
    if (!link) {
      link = document.createElement("link");
      link.id = "briefgen-favicon";
      link.rel = "icon";
      link.type = "image/svg+xml";
      document.head.appendChild(link);
    }
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' + icon(state) + "</svg>";
    link.href = "data:image/svg+xml," + encodeURIComponent(svg);
    link.setAttribute("data-errors", String(state.errors || 0));
    link.setAttribute("data-warnings", String(state.warnings || 0));
  }
  showState(config.state);

  // --- live reload: the server says when this page's output changed ---------------
  if (config.events && window.EventSource) {
    var source = new EventSource(config.events);
    source.addEventListener("changed", function (event) {
      var state = null;
      try { state = JSON.parse(event.data); } catch (e) { /* an etag alone */ }
      showState(state);
      if (config.side) {
        // The side-by-side view keeps its frames: the HTML one reloads itself (keeping
        // its scroll), the PDF one is asked for the new version.
        var html = document.getElementById("briefgen-side-html");
        var pdf = document.getElementById("briefgen-side-pdf");
        if (html && html.contentWindow && html.contentWindow.briefgenReload) {
          html.contentWindow.briefgenReload();
        } else if (html) {
          html.src = html.src;
        }
        if (pdf) {
          var url = pdf.getAttribute("data-src") + "&v=" + Date.now();
          pdf.setAttribute("src", url);
        }
        return;
      }
      source.close();
      reload();
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  // --- the release switcher ------------------------------------------------------
  var select = document.getElementById("briefgen-release");
  if (select) {
    select.addEventListener("change", function () {
      var target = config.switchTo.replace("{level}", encodeURIComponent(select.value));
      location.href = select.value ? target : config.switchTo.replace(/[?&]release=\{level\}/, "");
    });
  }

  // --- click-to-source --------------------------------------------------------------
  if (!config.editor) { return; }
  if (typeof window.briefgenOpen !== "function") {
    window.briefgenOpen = function (url) { window.location.href = url; };
  }

  function open(element) {
    var url = config.editor
      .split("{line}").join(element.getAttribute("data-src-line"))
      .split("{column}").join(element.getAttribute("data-src-col"));
    window.__briefgenLastOpen = url;
    window.briefgenOpen(url);
  }

  document.addEventListener("click", function (event) {
    if (!event.altKey) { return; }
    var element = event.target && event.target.closest ? event.target.closest("[data-src-line]") : null;
    if (!element) { return; }
    event.preventDefault();
    event.stopPropagation();
    open(element);
  }, true);

  var button = document.createElement("button");
  button.id = "briefgen-edit";
  button.type = "button";
  button.textContent = "\u270E edit";
  button.title = "Open the fact sheet at this line (or Alt-click the text)";
  button.hidden = true;
  document.body.appendChild(button);
  var hovered = null;
  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (hovered) { open(hovered); }
  });
  document.addEventListener("mouseover", function (event) {
    if (event.target === button) { return; }
    var element = event.target && event.target.closest ? event.target.closest("[data-src-line]") : null;
    if (!element) { button.hidden = true; hovered = null; return; }
    hovered = element;
    var box = element.getBoundingClientRect();
    button.style.top = (window.scrollY + box.top) + "px";
    button.style.left = (window.scrollX + Math.max(0, box.right - 56)) + "px";
    button.hidden = false;
  });
})();
