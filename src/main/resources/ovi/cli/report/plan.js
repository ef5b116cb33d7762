// Renders the plan embedded in this page (the same tree as 'ovi plan -o json') and filters it.
// Every value from AWS or the config goes into the page as text (textContent), never as markup.
(function () {
  "use strict";
  var KINDS = ["missing", "unwanted", "drifted", "unmanaged"];
  var TITLES = {missing: "Missing: declared but not found", unwanted: "Unwanted: managed but no longer declared",
    drifted: "Drifted: exists but differs", unmanaged: "Unmanaged: not ovi's, or another owner's"};
  var plan = JSON.parse(document.getElementById("plan-data").textContent);

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  // control characters and bidirectional overrides shown escaped (\u202e), as ovi shows them on a terminal:
  // a value cannot make the text around it read backwards
  var UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function text(v) {
    return v === null || v === undefined ? "" : String(v).replace(UNSAFE, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  function key(x) { return x.type + "/" + x.region + "/" + x.id; }

  var actions = {};
  (plan.decisions || []).forEach(function (d) { actions[key(d)] = d; });
  var unobserved = Object.create(null);
  (plan.unobserved || []).forEach(function (u) { unobserved[u.type + "/" + u.region] = true; });
  var regions = Object.create(null);
  (plan.diffs || []).forEach(function (d) { regions[d.region] = true; });
  (plan.unobserved || []).forEach(function (u) { regions[u.region] = true; });
  (plan.ignored || []).forEach(function (i) { regions[i.region] = true; });

  var root = document.getElementById("report");
  root.appendChild(el("h1", {}, ["ovi plan"]));
  root.appendChild(el("div", {"class": "meta"}, ["run " + text(plan.runId) + "  revision " + text(plan.revision)
      + "  owner " + text(plan.owner) + "  account " + text(plan.account)]));

  // the summary: diffs per kind, ignored and unobserved
  var counts = {};
  KINDS.forEach(function (k) { counts[k] = 0; });
  (plan.diffs || []).forEach(function (d) { counts[d.kind] = (counts[d.kind] || 0) + 1; });
  counts.ignored = (plan.ignored || []).length;
  counts.unobserved = (plan.unobserved || []).length;
  var cards = el("div", {"class": "cards", id: "summary"});
  KINDS.concat(["ignored", "unobserved"]).forEach(function (k) {
    cards.appendChild(el("div", {"class": "card " + k, "data-kind": k}, [
      el("span", {"class": "n", id: "count-" + k}, [String(counts[k])]), k]));
  });
  root.appendChild(cards);
  var s = plan.summary || {};
  root.appendChild(el("div", {"class": "actions", id: "actions"}, ["Plan: " + text(s.create) + " to create, "
      + text(s.update) + " to update, " + text(s.delete) + " to delete, " + text(s.notify) + " to notify; "
      + text(s.ignored) + " ignored."]));

  // the filters, read from and written to the fragment: #q=web&kind=drifted&region=us-east-1
  var params = new URLSearchParams(location.hash.replace(/^#/, ""));
  var q = el("input", {type: "search", id: "filter-text", placeholder: "filter: id, cloud id, type, reason, field…"});
  q.value = params.get("q") || "";
  var kindSel = el("select", {id: "filter-kind"}, [el("option", {value: ""}, ["every kind"])]);
  KINDS.forEach(function (k) { kindSel.appendChild(el("option", {value: k}, [k])); });
  kindSel.value = KINDS.indexOf(params.get("kind")) >= 0 ? params.get("kind") : "";
  var regionSel = el("select", {id: "filter-region"}, [el("option", {value: ""}, ["every region"])]);
  Object.keys(regions).sort().forEach(function (r) { regionSel.appendChild(el("option", {value: r}, [r])); });
  regionSel.value = regions[params.get("region")] ? params.get("region") : "";
  root.appendChild(el("form", {id: "filters"}, [el("label", {}, ["Text ", q]), el("label", {}, ["Kind ", kindSel]),
    el("label", {}, ["Region ", regionSel]), el("span", {"class": "count", id: "shown"}, [])]));

  function changeList(changes) {
    if (!changes || changes.length === 0) {
      return el("span", {"class": "none"}, ["—"]);
    }
    var ul = el("ul");
    changes.forEach(function (c) {
      var desired = c.knownAfterCreate ? text(c.desired) + " (known after create)" : text(c.desired);
      ul.appendChild(el("li", {"class": "change"}, [el("b", {}, [text(c.field)]), ": ",
        el("span", {"class": "old"}, [c.current === null || c.current === undefined ? "(absent)" : text(c.current)]),
        el("span", {"class": "arrow"}, ["→"]),
        el("span", {"class": "new"}, [c.desired === null || c.desired === undefined ? "(absent)" : desired])]));
    });
    return ul;
  }

  var sections = [];
  KINDS.forEach(function (k) {
    var rows = (plan.diffs || []).filter(function (d) { return d.kind === k; });
    var tbody = el("tbody");
    rows.forEach(function (d) {
      var dec = actions[key(d)];
      var action = dec ? dec.action : "";
      var label = dec ? action + (dec.disruptive ? " (disruptive)" : "")
        : unobserved[d.type + "/" + d.region] ? "none: not observed" : "none";
      var tr = el("tr", {"class": "row", "data-kind": k, "data-region": text(d.region)}, [
        el("td", {"class": "action-" + (action || "none")}, [label]),
        el("td", {"class": "name"}, [text(d.type)]), el("td", {"class": "name"}, [text(d.id)]),
        el("td", {"class": "name"}, [text(d.cloudId)]), el("td", {"class": "name"}, [text(d.region)]),
        el("td", {}, [text(d.reason) + (d.blessed ? " (blessed)" : "")]),
        el("td", {"class": "changes"}, [changeList(d.changes)])]);
      tr.setAttribute("data-text", [action, d.type, d.id, d.cloudId, d.region, d.reason].concat(
        (d.changes || []).map(function (c) { return c.field + " " + text(c.current) + " " + text(c.desired); }))
        .map(text).join(" ").toLowerCase());
      tbody.appendChild(tr);
    });
    var section = el("section", {id: "kind-" + k, "data-kind": k}, [
      el("h2", {}, [TITLES[k] + " ", el("span", {"class": "count"}, [])]),
      rows.length === 0 ? el("p", {"class": "none"}, ["none"]) : el("table", {}, [
        el("thead", {}, [el("tr", {}, ["action", "type", "id", "cloud id", "region", "reason", "changes (current → desired)"]
          .map(function (h) { return el("th", {}, [h]); }))]), tbody])]);
    sections.push(section);
    root.appendChild(section);
  });

  root.appendChild(el("h2", {id: "unobserved"}, ["Not observed: this plan says nothing about these scopes"]));
  if ((plan.unobserved || []).length === 0) {
    root.appendChild(el("p", {"class": "none"}, ["every scope was observed"]));
  } else {
    var ub = el("tbody");
    plan.unobserved.forEach(function (u) {
      ub.appendChild(el("tr", {"class": "unobserved-row", "data-region": text(u.region)}, [el("td", {}, [text(u.type)]),
        el("td", {}, [text(u.region)]), el("td", {}, [text(u.errorClass)]), el("td", {}, [text(u.error)])]));
    });
    root.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, ["type", "region", "error class", "why"]
      .map(function (h) { return el("th", {}, [h]); }))]), ub]));
  }

  root.appendChild(el("h2", {id: "ignored"}, ["Ignored by the config's ignore rules"]));
  if ((plan.ignored || []).length === 0) {
    root.appendChild(el("p", {"class": "none"}, ["nothing"]));
  } else {
    var ib = el("tbody");
    plan.ignored.forEach(function (i) {
      ib.appendChild(el("tr", {"class": "ignored-row", "data-region": text(i.region)}, [el("td", {}, [text(i.kind)]),
        el("td", {}, [text(i.type)]), el("td", {}, [text(i.id)]), el("td", {}, [text(i.region)]),
        el("td", {}, [(i.what || []).map(text).join("; ")]), el("td", {}, [text(i.rule)])]));
    });
    root.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, ["kind", "type", "id", "region", "what", "rule"]
      .map(function (h) { return el("th", {}, [h]); }))]), ib]));
  }

  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var kind = kindSel.value, region = regionSel.value, shown = 0, total = 0;
    sections.forEach(function (sec) {
      var k = sec.getAttribute("data-kind"), inSection = 0, all = 0;
      sec.hidden = kind !== "" && kind !== k;
      sec.querySelectorAll("tr.row").forEach(function (tr) {
        var t = tr.getAttribute("data-text");
        var show = !sec.hidden && (region === "" || tr.getAttribute("data-region") === region)
          && words.every(function (w) { return t.indexOf(w) >= 0; });
        tr.hidden = !show;
        all++;
        if (show) { inSection++; }
      });
      sec.querySelector("h2 .count").textContent = "(" + inSection + " of " + all + ")";
      shown += inSection;
      total += all;
    });
    document.getElementById("shown").textContent = shown + " of " + total + " differences shown";
    var p = new URLSearchParams();
    if (q.value) { p.set("q", q.value); }
    if (kind) { p.set("kind", kind); }
    if (region) { p.set("region", region); }
    var hash = p.toString();
    if (hash !== location.hash.replace(/^#/, "")) {
      try {
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      } catch (e) {
        // a browser that keeps file:// pages from changing their address: the filter still applies
      }
    }
  }
  q.addEventListener("input", apply);
  kindSel.addEventListener("change", apply);
  regionSel.addEventListener("change", apply);
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  window.addEventListener("hashchange", function () {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    q.value = p.get("q") || "";
    kindSel.value = KINDS.indexOf(p.get("kind")) >= 0 ? p.get("kind") : "";
    regionSel.value = regions[p.get("region")] ? p.get("region") : "";
    apply();
  });
  apply();
  document.documentElement.setAttribute("data-rendered", "true");
}());
