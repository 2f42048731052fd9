// pq serve: small keyboard helpers only; every page works without this script.
(function () {
  "use strict";
  // "/" focuses the question box (as on many search sites), unless one is typing already.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target && ev.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT") return;
    var box = document.querySelector("form.search input[type=search]");
    if (box) { ev.preventDefault(); box.focus(); box.select(); }
  });
  // A filter change on the search page searches again when a question is there.
  var form = document.querySelector("form.search");
  if (form) {
    form.querySelectorAll("fieldset.filters select").forEach(function (sel) {
      sel.addEventListener("change", function () {
        var q = form.querySelector("input[type=search]");
        if (q && q.value.trim()) form.submit();
      });
    });
  }
  // "Terug" goes back when we came from a page of this site.
  var back = document.querySelector("[data-back]");
  if (back && document.referrer && document.referrer.indexOf(location.origin) === 0) {
    back.addEventListener("click", function (ev) { ev.preventDefault(); history.back(); });
  }
})();
