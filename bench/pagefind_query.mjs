// Bytes a browser downloads to answer search queries with a Pagefind bundle, measured
// with Pagefind's own JS API (the bundle's pagefind.js) under Node: fetch is replaced by
// a reader of the bundle's files that records every file asked for.
//   node bench/pagefind_query.mjs SITE_DIR/pagefind SHOWN 'query one' 'query two' ...
// Prints one JSON line per query: {query, results, shown, files: {name: bytes}, bytes}.
// Every query starts cold (a fresh module instance: nothing cached, as a first visit).
// A sharded index (SITE_DIR/pagefind/shards.json, generator/site/search.py) is searched as
// the site's search box does: the first bundle's pagefind.js, the other bundles merged into
// it (mergeIndex), superseded records dropped; shards.json counts in the bytes.
import { existsSync, readFileSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [bundle, shownArg, ...queries] = process.argv.slice(2);
// SHOWN: a number of results whose fragments load (one unfiltered search), or "box": what the
// site's search box does with a sharded index (theme/assets/digest-search.js: a search per
// kind, 5 stories, 3 entities, 5 articles shown)
const kinds = shownArg === "box";
const shown = kinds ? 13 : Number(shownArg);
const KINDS = [["story", 5], ["entity", 3], ["article", 5]];
const root = path.resolve(bundle);
let files = {};

globalThis.fetch = async (url) => {
  const rel = decodeURIComponent(String(url).split("?")[0]).replace(/^file:\/\//, "");
  const name = path.basename(rel);
  const disk = path.join(root, path.relative(root, rel.startsWith(root) ? rel : path.join(root, name)));
  let body;
  try { body = readFileSync(disk); } catch { return new Response(null, { status: 404 }); }
  files[path.relative(root, disk)] = body.length;
  return new Response(body, { status: 200 });
};

const listing = path.join(root, "shards.json");
const sharded = existsSync(listing) ? JSON.parse(readFileSync(listing, "utf8")) : null;
const bundles = sharded ? sharded.bundles.map((b) => path.join(root, b)) : [root];
const superseded = new Set(sharded ? sharded.superseded : []);

let i = 0;
for (const query of queries) {
  files = {};
  if (sharded) files["shards.json"] = statSync(listing).size;
  // pagefind.js itself is the first download of a search
  files[path.relative(root, path.join(bundles[0], "pagefind.js"))] = statSync(path.join(bundles[0], "pagefind.js")).size;
  // a browser runs the searches in Pagefind's web worker (Node has none): its script counts too
  const worker = path.join(bundles[0], "pagefind-worker.js");
  if (kinds && existsSync(worker)) files[path.relative(root, worker)] = statSync(worker).size;
  const pf = await import(pathToFileURL(path.join(bundles[0], "pagefind.js")).href + `?cold=${i++}`);
  // as the search box: each bundle's kind as its own filter when shards.json names them
  const own = (b) => (sharded?.kinds && kinds ? { mergeFilter: { group: sharded.kinds[path.basename(b)] } } : {});
  await pf.options({ basePath: bundles[0] + "/", ...own(bundles[0]) });
  await pf.init();
  for (const b of bundles.slice(1)) await pf.mergeIndex(b + "/", own(b));
  let results, first;
  if (sharded && kinds) {
    // as the search box: one search per kind (its filter chunk fetched by each bundle), the
    // first few results of each kind shown
    const found = await Promise.all(KINDS.map(([kind]) => pf.search(query, { filters: { [sharded.kinds ? "group" : "kind"]: kind } })));
    const live = found.map((f) => f.results.filter((r) => !superseded.has(r.id)));
    results = live.reduce((n, l) => n + l.length, 0);
    first = live.flatMap((l, i) => l.slice(0, KINDS[i][1]));
  } else {
    const search = await pf.search(query);
    results = search.results.length;
    first = search.results.filter((r) => !superseded.has(r.id)).slice(0, shown);
  }
  const data = await Promise.all(first.map((r) => r.data()));
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ query, results, shown: first.length,
    top: data.slice(0, 3).map((d) => d.url), urls: data.map((d) => d.url), files, bytes }));
  await pf.destroy?.();
}
