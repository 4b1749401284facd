// Citation links and folded sections on digest pages.
//
// 1. A link may target something inside a folded section (<details>): a fact card under
//    "All facts", a quote under "Other quotes". The browser does not open a closed
//    <details> for a fragment, so on load and on every hash change the enclosing
//    <details> are opened and the target is scrolled into view.
// 2. A cited passage (#c-<start>-<end>) is highlighted as a whole: passages can overlap,
//    so one passage may be cut into several <mark> pieces that share its id in
//    data-cites; :target alone would only reach the empty anchor.
(function () {
  function target(id) {
    if (!id) return null;
    return document.getElementById(id);
  }
  function openFolds() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = target(id);
    if (!el) return;
    var opened = false;
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS" && !p.open) { p.open = true; opened = true; }
    }
    if (opened || el.tagName === "DETAILS") {
      if (el.tagName === "DETAILS") el.open = true;
      el.scrollIntoView();
    }
  }
  function mark() {
    document.querySelectorAll("mark.digest-cite--active").forEach(function (m) {
      m.classList.remove("digest-cite--active");
    });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^c-\d+-\d+$/.test(id)) return;
    document.querySelectorAll('mark.digest-cite[data-cites~="' + id + '"]').forEach(function (m) {
      m.classList.add("digest-cite--active");
    });
  }
  function update() { openFolds(); mark(); }
  window.addEventListener("hashchange", update);
  // A click on a link to the hash already in the address bar fires no hashchange.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (a && a.getAttribute("href") === location.hash) setTimeout(update, 0);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
})();
