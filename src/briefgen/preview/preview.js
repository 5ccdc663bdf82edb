// briefgen preview: live reload (Server-Sent Events), scroll kept across reloads,
// Alt-click to open the fact sheet at a value's line, the release switcher.
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

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* storage off */ }
    location.reload();
  }
  window.briefgenReload = reload;
  restoreScroll();

  // --- live reload: the server says when this page's output changed ---------------
  if (config.events && window.EventSource) {
    var source = new EventSource(config.events);
    source.addEventListener("changed", function () {
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
