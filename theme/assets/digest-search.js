// Search box of the digest: Pagefind's JS API (pagefind/pagefind.js, loaded on first use)
// answers in the mkdocs-material search dialog. Stories first, then entities, then articles:
// one filtered search per kind over the same index chunks (fetched once).
(() => {
  const box = document.querySelector("[data-digest-search]");
  if (!box) return;
  const input = box.querySelector("[data-digest-search-query]");
  const result = box.querySelector("[data-digest-search-result]");
  const meta = result.querySelector(".md-search-result__meta");
  const list = result.querySelector(".md-search-result__list");
  const toggle = document.getElementById("__search");
  const KINDS = [["story", "Stories", 5], ["entity", "Entities", 3], ["article", "Articles", 5]];
  // The index is several Pagefind bundles (generator/site/search.py): shards.json lists them
  // and the records a newer bundle replaced. The first bundle's pagefind.js answers; the
  // others are merged into it (they share its WebAssembly, and each loads only its own
  // metadata and the index chunks of the query's words).
  let pagefind = null;
  let superseded = new Set();
  let byKind = "kind";
  const load = () => pagefind ??= (async () => {
    const listing = new URL(result.dataset.pagefind, location.href);
    const index = await (await fetch(listing, { cache: "no-cache" })).json();
    superseded = new Set(index.superseded);
    const at = (b) => new URL(`${b}/`, listing);
    const opts = { baseUrl: new URL(result.dataset.root, location.href).pathname, excerptLength: 24 };
    // each bundle holds one kind of page: given as the bundle's own filter ("group"), it
    // costs no filter chunk, where the pages' "kind" filter costs one per bundle
    const own = (b) => (index.kinds ? { ...opts, mergeFilter: { group: index.kinds[b] } } : opts);
    byKind = index.kinds ? "group" : "kind";
    const m = await import(new URL("pagefind.js", at(index.bundles[0])).href);
    await m.options(own(index.bundles[0]));
    await m.init();
    await Promise.all(index.bundles.slice(1).map((b) => m.mergeIndex(at(b).pathname, own(b))));
    return m;
  })();
  const open = (on) => { if (toggle && toggle.checked !== on) { toggle.checked = on; } };

  function item(d) {
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    const a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = d.url;
    const art = document.createElement("article");
    art.className = "md-search-result__article md-typeset";
    const h = document.createElement("h1");
    h.textContent = d.meta.title || d.url;               // meta values are raw text: never innerHTML
    art.append(h);
    const info = [d.meta.date, d.meta.outlets, d.meta.about].filter(Boolean).join(" · ");
    if (info) {
      const p = document.createElement("p");
      p.className = "digest-search-meta";
      p.textContent = info;
      art.append(p);
    }
    const ex = document.createElement("p");
    ex.innerHTML = d.excerpt;                            // Pagefind escapes the text and adds only <mark>
    art.append(ex);
    a.append(art);
    li.append(a);
    return li;
  }

  let seq = 0;
  // Each kind's group is shown as soon as its results and the groups before it are ready
  // (stories first): the searches share the index chunks, but each waits for its own
  // result fragments. `data-first` marks the first results shown for a query, `data-answered`
  // the complete list.
  async function run(query) {
    const mine = ++seq;
    if (!query.trim()) { list.replaceChildren(); return; }
    const pf = await load();
    if (mine !== seq) return;
    const groups = KINDS.map(([kind, , n]) => pf.search(query, { filters: { [byKind]: kind } }).then(async (f) => {
      const results = f.results.filter((r) => !superseded.has(r.id));
      return { results, shown: await Promise.all(results.slice(0, n).map((r) => r.data())) };
    }));
    let total = 0, fresh = true;                         // the previous query's list stays until then
    for (const [i, [kind, label]] of KINDS.entries()) {
      const g = await groups[i];
      if (mine !== seq) return;
      total += g.results.length;
      if (g.shown.length) {
        const head = document.createElement("li");
        head.className = "md-search-result__item digest-search-group";
        head.dataset.kind = kind;
        head.textContent = `${label} (${g.results.length})`;
        if (fresh) list.replaceChildren();
        fresh = false;
        list.append(head, ...g.shown.map(item));
        result.dataset.first = query;
      }
    }
    if (fresh) list.replaceChildren();
    meta.textContent = total ? `${total} matching pages` : "No matching pages";
    result.dataset.first = query;
    result.dataset.answered = query;                     // the query these results answer (tests wait on it)
  }

  let timer;
  // The index chunks of the query's words start loading at once (Pagefind's preload); the
  // search itself waits for a 60 ms pause in typing, and finds them loaded or on their way.
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value;
    if (q.trim()) load().then((pf) => pf.preload(q, {})).catch(() => {});
    timer = setTimeout(() => run(input.value), 60);
  });
  input.addEventListener("focus", () => { open(true); warm(); });
  // Pagefind's runtime (its script, WebAssembly and each bundle's metadata, about 200 KB at
  // 2,000 articles, cached by the browser for later pages) loads when the page is idle after
  // loading, so that the first query finds it ready, and at once when a reader reaches for the
  // box (pointer over it, a touch, focus). A reader who asked to save data loads it only then.
  const warm = () => { load().catch(() => { pagefind = null; }); };
  box.closest("header")?.querySelector("label[for='__search']")?.addEventListener("pointerover", warm, { once: true });
  box.addEventListener("pointerover", warm, { once: true });
  box.addEventListener("touchstart", warm, { once: true, passive: true });
  const saving = () => { const c = navigator.connection; return !!c && (c.saveData || /2g/.test(c.effectiveType || "")); };
  const idle = () => (window.requestIdleCallback || ((f) => setTimeout(f, 200)))(() => { if (!saving()) warm(); }, { timeout: 3000 });
  if (document.readyState === "complete") idle(); else window.addEventListener("load", idle, { once: true });
  toggle?.addEventListener("change", () => { if (toggle.checked) setTimeout(() => input.focus(), 50); });
  box.querySelector("form").addEventListener("reset", () => { list.replaceChildren(); open(false); input.blur(); });
  box.querySelector("form").addEventListener("submit", (e) => {
    e.preventDefault();
    const first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  document.addEventListener("keydown", (e) => {
    if (toggle?.checked) {
      if (e.key === "Escape") { open(false); input.blur(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]"))) return;
    if (e.key === "s" || e.key === "f" || e.key === "/") { e.preventDefault(); open(true); input.focus(); }
  });
})();
