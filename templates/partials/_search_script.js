// The site's search: Pagefind's JavaScript API over pagefind/ (built by briefgen from the published
// pages). The box is shown only when the index is there; Pagefind itself loads on first use, and
// only on the site index: a note's box is a plain form that takes the words there (?q=).
// Every page of the site is at the top of its folder, so the folder of this page is the site's.
const box = document.getElementById("site-search");
const site = new URL(".", document.baseURI);
const bundle = new URL("pagefind/", site);
const input = document.getElementById("site-search-q");
const count = document.getElementById("site-search-count");
const list = document.getElementById("site-search-results");
const selects = [...box.querySelectorAll("select[data-filter]")];
const SHOWN = 20;
let engine = null;
let asked = 0;
let timer = 0;

function load() {
  engine ??= import(new URL("pagefind.js", bundle).href).then(async (pagefind) => {
    await pagefind.options({ basePath: bundle.pathname, baseUrl: site.pathname, excerptLength: 24 });
    await pagefind.init();
    // Pagefind keeps an index per language (en-GB for UK notes, en-US for US ones, ja…) and searches
    // the page's own: merge the others, so that every page searches every brief. Pagefind skips a
    // merge of its own folder by that path, hence the full URL.
    const entry = await (await fetch(new URL("pagefind-entry.json", bundle))).json();
    const languages = Object.keys(entry.languages || {});
    const lang = (document.documentElement.lang || "unknown").toLowerCase();
    const own = languages.includes(lang) ? lang : languages.includes(lang.split("-")[0]) ? lang.split("-")[0]
      : languages.sort((a, b) => entry.languages[b].page_count - entry.languages[a].page_count)[0];
    for (const language of languages.filter((l) => l !== own)) {
      await pagefind.mergeIndex(bundle.href, { language, baseUrl: site.pathname });
    }
    const filters = await pagefind.filters();
    for (const select of selects) {
      const values = Object.keys(filters[select.dataset.filter] || {}).sort();
      if (select.dataset.order === "descending") values.reverse();
      for (const value of values) select.add(new Option(value, value));
      select.parentElement.hidden = values.length === 0;
    }
    return pagefind;
  });
  return engine;
}

// Pagefind's excerpt is HTML with <mark> around the words found: keep only its text and marks.
function excerpt(html) {
  const paragraph = document.createElement("p");
  paragraph.className = "search-excerpt";
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html").body;
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function result(data) {
  const meta = data.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const link = document.createElement("a");
  link.className = "search-title";
  link.href = data.url;
  link.textContent = meta.title || data.url;
  const details = document.createElement("p");
  details.className = "search-details";
  const badge = document.createElement("span");
  badge.className = /^[a-z-]+$/.test(meta.tone || "") ? `badge tone-${meta.tone}` : "badge";
  badge.textContent = meta.classification || "";
  const when = document.createElement("time");
  when.dateTime = meta.date_iso || "";
  when.textContent = meta.date || "";
  details.append(badge, " ", when);
  item.append(link, details, excerpt(data.excerpt || ""));
  return item;
}

async function search() {
  const ticket = ++asked;
  const pagefind = await load();
  const query = input.value.trim();
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    count.textContent = "";
    return;
  }
  // Without words, every brief the filters keep, newest meeting first.
  const options = query ? { filters } : { filters, sort: { date: "desc" } };
  const found = await pagefind.search(query || null, options);
  if (ticket !== asked || !found) return;
  const shown = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
  if (ticket !== asked) return;
  list.replaceChildren(...shown.map(result));
  const total = found.results.length;
  count.textContent = total === 0 ? box.dataset.none
    : (total === 1 ? box.dataset.one : box.dataset.many).replace("{count}", total.toLocaleString());
}

function soon() {
  clearTimeout(timer);
  timer = setTimeout(search, 150);
}

fetch(new URL("pagefind-entry.json", bundle), { method: "HEAD" })
  .then((response) => { if (response.ok) box.hidden = false; })
  .catch(() => {});

if ("results" in box.dataset) {
  box.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  input.addEventListener("input", soon);
  input.addEventListener("focus", load, { once: true });
  for (const select of selects) select.addEventListener("change", search);
  const given = new URLSearchParams(location.search).get("q");
  if (given) {
    input.value = given;
    search();
  }
}
