// Filters and sorting for the site index: progressive enhancement over a complete table.
// Each row's text is read once; a filter change only toggles `hidden` on rows.
(function () {
  "use strict";
  var form = document.querySelector(".index-filters");
  var table = document.querySelector(".index-table");
  if (!form || !table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  // Each filter reads its row attribute by its key: <select data-key="country"> filters on each
  // row's data-country, whose values are joined with "|" (a brief with several countries, frameworks).
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-key]"));
  var keys = selects.map(function (select) { return select.getAttribute("data-key"); });
  var rows = Array.prototype.slice.call(body.rows).map(function (tr, order) {
    var row = { tr: tr, order: order, text: tr.textContent.replace(/\s+/g, " ").toLowerCase() };
    keys.forEach(function (key) {
      row[key] = (tr.getAttribute("data-" + key) || "").split("|").filter(Boolean);
    });
    return row;
  });
  selects.forEach(function (select) {
    // Options the page already has (the country and framework filters: names the view made) are kept;
    // an empty select (kind, classification, status) is filled from its rows' values.
    if (select.options.length > 1) { return; }
    var key = select.getAttribute("data-key");
    var seen = new Set();
    rows.forEach(function (row) { [].concat(row[key]).forEach(function (v) { if (v) { seen.add(v); } }); });
    if (seen.size < 2) { select.parentNode.hidden = true; return; }
    Array.from(seen).sort().forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  });
  var search = form.querySelector("#filter-text");
  var count = form.querySelector("#index-count");

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = selects.map(function (s) { return [s.getAttribute("data-key"), s.value]; })
      .filter(function (pair) { return pair[1]; });
    var shown = 0;
    rows.forEach(function (row) {
      var ok = words.every(function (w) { return row.text.indexOf(w) !== -1; }) &&
        wanted.every(function (pair) { return [].concat(row[pair[0]]).indexOf(pair[1]) !== -1; });
      if (row.tr.hidden === ok) { row.tr.hidden = !ok; }
      if (ok) { shown += 1; }
    });
    // The words are the page's labels, in its language (index.html): "{count} briefs", "{shown} of {count} briefs".
    var words = shown !== rows.length ? count.getAttribute("data-some") :
      count.getAttribute(rows.length === 1 ? "data-one" : "data-many");
    count.textContent = words.replace("{shown}", String(shown)).replace("{count}", String(rows.length));
  }

  // Sorting: each sortable column header becomes a button; aria-sort says the order.
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var key = th.getAttribute("data-sort-key");
    if (!key) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    rows.forEach(function (row) {
      var cell = row.tr.cells[column];
      row[key + "Sort"] = (cell.getAttribute("data-sort") || cell.textContent).trim().toLowerCase();
    });
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = a[key + "Sort"], y = b[key + "Sort"];
        var order = x < y ? -1 : x > y ? 1 : a.order - b.order;
        return ascending ? order : -order;
      });
      var fragment = document.createDocumentFragment();
      sorted.forEach(function (row) { fragment.appendChild(row.tr); });
      body.appendChild(fragment);
    });
  });

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
