// touchbase: sorting, filtering and search for the client list. Optional: the page is a
// plain, sorted table without it. No framework, no network.
(function () {
  "use strict";
  var table = document.getElementById("client-table");
  var form = document.getElementById("client-filters");
  if (!table || !form) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows).map(function (tr) {
    var c = tr.cells;
    return {
      tr: tr,
      s: tr.getAttribute("data-s") || "",
      owner: tr.getAttribute("data-owner") || "",
      tier: tr.getAttribute("data-tier") || "",
      status: tr.getAttribute("data-status") || "",
      tags: "|" + (tr.getAttribute("data-tags") || "") + "|",
      key: {
        name: c[0].textContent.trim(),
        owner: c[1].textContent.trim(),
        tier: tr.getAttribute("data-tier") || "",
        rank: +tr.getAttribute("data-rank"),
        cadence: +tr.getAttribute("data-cadence"),
        last: iso(c[5]),
        due: iso(c[6]),
        n12: +c[7].textContent.trim()
      }
    };
  });
  // Dates sort by their ISO form (`<time datetime>`), not by the words shown.
  function iso(td) {
    var t = td && td.querySelector("time");
    return t ? t.getAttribute("datetime") || "" : "";
  }
  var tierOrder = { key: 0, regular: 1, prospect: 2, dormant: 3, none: 4 };
  var total = rows.length;
  var shownText = table.getAttribute("data-shown") || "{n} / {total}";

  function apply() {
    var started = window.performance ? performance.now() : 0;
    var q = form.q.value.trim().toLowerCase();
    var owner = form.owner.value, tier = form.tier.value, status = form.status.value, tag = form.tag.value;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!q || r.s.indexOf(q) !== -1) && (!owner || r.owner === owner) && (!tier || r.tier === tier) &&
        (!status || r.status === status) && (!tag || r.tags.indexOf("|" + tag + "|") !== -1);
      if (r.tr.hidden === ok) r.tr.hidden = !ok;
      if (ok) shown++;
    }
    form.count.value = shownText.replace("{n}", shown).replace("{total}", total);
    // How long filtering took, for the browser tests and the curious.
    if (started) form.count.setAttribute("data-ms", (performance.now() - started).toFixed(1));
  }

  var pending = 0;
  function schedule() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () { pending = 0; apply(); });
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  // Sortable headers: each becomes a button; a second click reverses the order.
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th) {
    var key = th.getAttribute("data-key");
    if (!key) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      sortBy(key, asc);
    });
  });

  function value(r, key) {
    return key === "tier" ? tierOrder[r.key.tier] : r.key[key];
  }

  function sortBy(key, asc) {
    var dir = asc ? 1 : -1;
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    rows.sort(function (a, b) {
      var x = value(a, key), y = value(b, key);
      var c = typeof x === "number" ? x - y : collator.compare(x, y);
      // Empty values (never contacted) go last either way.
      if (x === "" && y !== "") return 1;
      if (y === "" && x !== "") return -1;
      return c * dir || a.key.rank - b.key.rank;
    });
    var frag = document.createDocumentFragment();
    for (var i = 0; i < rows.length; i++) frag.appendChild(rows[i].tr);
    body.appendChild(frag);
  }

  // Filters can come from the address (`clients.html?q=建材&status=overdue`), and the
  // address follows the filters, so a filtered view can be bookmarked or shared.
  var names = ["q", "owner", "tier", "status", "tag"];
  try {
    var params = new URLSearchParams(window.location.search);
    names.forEach(function (n) { if (params.has(n)) form[n].value = params.get(n); });
    var sort = params.get("sort");
    if (sort) {
      var th = table.tHead.querySelector('th[data-key="' + sort.replace(/[^a-z0-9]/g, "") + '"]');
      if (th) {
        var asc = params.get("dir") !== "desc";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        sortBy(sort, asc);
      }
    }
    form.addEventListener("change", function () {
      var p = new URLSearchParams();
      names.forEach(function (n) { if (form[n].value) p.set(n, form[n].value); });
      var qs = p.toString();
      window.history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
    });
  } catch (e) { /* no URL API: filters still work */ }

  form.hidden = false;
  apply();
})();
