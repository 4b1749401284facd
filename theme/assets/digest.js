// Highlights the whole cited passage a link points at (#c-<start>-<end>): passages can
// overlap, so one passage may be cut into several <mark> pieces that share its id
// in data-cites; :target alone would only reach the empty anchor.
(function () {
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
  window.addEventListener("hashchange", mark);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
