// touchbase: sorting, filtering and search for the client list. Optional: without it the
// page is a plain, sorted table of every client. No framework, no network.
//
// At 10,000 clients the browser's work is laying out rows, not finding them: so the
// script keeps every row in memory and puts only the first PAGE matches in the table
// (a "show more" button adds the next PAGE). While the page loads, the stylesheet shows
// only the first PAGE rows (`.js-paging`), so the browser never lays out 10,000.
(function () {
  "use strict";
  var PAGE = 100; // keep in step with `tr:nth-child(n+101)` in style.css
  var root = document.documentElement;
  root.classList.add("js-paging");

  // Whatever happens in `list`, the page must not stay cut to its first rows.
  function start() {
    try { list(); } finally { root.classList.remove("js-paging"); }
  }

  function list() {
    var table = document.getElementById("client-table");
    var form = document.getElementById("client-filters");
    if (!table || !form) return;
    var body = table.tBodies[0];
    var more = document.getElementById("client-more");
    var rows = Array.prototype.slice.call(body.rows).map(function (tr, i) {
      var c = tr.cells;
      var tier = tr.getAttribute("data-tier") || "";
      return {
        tr: tr,
        s: tr.getAttribute("data-s") || "",
        owner: c[1].textContent,
        tier: tier,
        status: tr.getAttribute("data-status") || "",
        followup: tr.getAttribute("data-followup") || "",
        tags: "|" + (tr.getAttribute("data-tags") || "") + "|",
        key: {
          name: c[0].textContent.trim(),
          owner: c[1].textContent,
          tier: tier,
          rank: i,
          cadence: +tr.getAttribute("data-cadence"),
          last: iso(c[5]),
          due: iso(c[6]),
          n12: +c[7].textContent
        }
      };
    });
    var total = rows.length;
    var order = rows; // all rows, in the current sort order
    var matches = rows; // the rows the filters let through, in that order
    var limit = PAGE;
    var shownText = table.getAttribute("data-shown") || "{n} / {total}";
    var moreText = more ? more.getAttribute("data-label") || "+{n}" : "";

    // Dates sort by their ISO form (`<time datetime>`), not by the words shown.
    function iso(td) {
      var t = td && td.querySelector("time");
      return t ? t.getAttribute("datetime") || "" : "";
    }

    // Put the first `limit` matches in the table; the other rows stay out of the page.
    function show() {
      var frag = document.createDocumentFragment();
      var n = Math.min(limit, matches.length);
      for (var i = 0; i < n; i++) frag.appendChild(matches[i].tr);
      while (body.firstChild) body.removeChild(body.firstChild);
      body.appendChild(frag);
      form.count.value = shownText.replace("{n}", matches.length).replace("{total}", total);
      if (more) {
        var left = matches.length - n;
        more.hidden = left <= 0;
        more.textContent = moreText.replace("{n}", Math.min(left, PAGE)).replace("{left}", left);
      }
    }

    function apply() {
      var started = window.performance ? performance.now() : 0;
      var q = form.q.value.trim().toLowerCase();
      var owner = form.owner.value, tier = form.tier.value, status = form.status.value, tag = form.tag.value;
      var followup = form.followup ? form.followup.value : "";
      var out = [];
      for (var i = 0; i < order.length; i++) {
        var r = order[i];
        if ((!q || r.s.indexOf(q) !== -1) && (!owner || r.owner === owner) && (!tier || r.tier === tier) &&
          (!status || r.status === status) && (!followup || r.followup === followup) &&
          (!tag || r.tags.indexOf("|" + tag + "|") !== -1)) out.push(r);
      }
      matches = out;
      limit = PAGE;
      show();
      // How long filtering took, for the benchmark and the curious.
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
    if (more) {
      more.addEventListener("click", function () { limit += PAGE; show(); });
    }

    // Sortable headers: each becomes a button; a second click reverses the order.
    var heads = table.tHead.rows[0].cells;
    var tierOrder = { key: 0, regular: 1, prospect: 2, dormant: 3, none: 4 };
    var collator = window.Intl ? new Intl.Collator(root.lang || undefined, { numeric: true }) : null;
    function value(r, key) {
      return key === "tier" ? tierOrder[r.key.tier] : r.key[key];
    }
    function sortBy(key, asc) {
      var dir = asc ? 1 : -1;
      order = rows.slice().sort(function (a, b) {
        var x = value(a, key), y = value(b, key);
        // Empty values (never contacted) go last either way.
        if (x === "" && y !== "") return 1;
        if (y === "" && x !== "") return -1;
        var c = typeof x === "number" ? x - y : collator ? collator.compare(x, y) : x < y ? -1 : x > y ? 1 : 0;
        return c * dir || a.key.rank - b.key.rank;
      });
      apply();
    }
    function mark(th, asc) {
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    }
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
        mark(th, asc);
        sortBy(key, asc);
      });
    });

    // Filters can come from the address (`clients.html?q=建材&status=overdue`), and the
    // address follows the filters, so a filtered view can be bookmarked or shared.
    var names = ["q", "owner", "tier", "status", "followup", "tag"];
    var sorted = false;
    try {
      var params = new URLSearchParams(window.location.search);
      names.forEach(function (n) { if (params.has(n) && form[n]) form[n].value = params.get(n); });
      var sort = params.get("sort");
      var th = sort && table.tHead.querySelector('th[data-key="' + sort.replace(/[^a-z0-9]/g, "") + '"]');
      if (th) {
        var asc = params.get("dir") !== "desc";
        mark(th, asc);
        sortBy(th.getAttribute("data-key"), asc);
        sorted = true;
      }
      form.addEventListener("change", function () {
        var p = new URLSearchParams();
        names.forEach(function (n) { if (form[n] && form[n].value) p.set(n, form[n].value); });
        var qs = p.toString();
        window.history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
      });
    } catch (e) { /* no URL API: filters still work */ }

    form.hidden = false;
    if (!sorted) apply();
  }

  // A link to a list inside a folded section unfolds it.
  function unfold() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (; el; el = el.parentElement) if (el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", unfold);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", unfold);
  else unfold();

  // Folded sections print unfolded (and fold back after).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.fold:not([open])"), function (d) {
      d.open = true; opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
