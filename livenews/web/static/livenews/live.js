// Live updates for the public pages. The pages work fully without this
// script; with it they follow /live/stream (server-sent events) and apply each
// event in place: new articles and stories, live blog entries (posted, edited,
// pinned, deleted), corrections, breaking alerts; then the story and article lists settle on
// the server's rendering of the page (see "settling" below). Where EventSource is missing or keeps
// failing, it polls /live/since/<id>.json at the interval the server says.
(function () {
  "use strict";
  var body = document.body;
  var channels = (body.getAttribute("data-channels") || "").split(",").filter(Boolean);
  channels.push("alerts");
  var lastId = body.getAttribute("data-last-event-id") || "0";
  var status = document.getElementById("live-status");
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var baseTitle = document.title;
  var handlers = {};

  function on(type, handler) { handlers[type] = handler; }

  function dispatch(type, data, id) {
    if (id) lastId = String(id);
    var handler = handlers[type];
    if (!handler) return;
    try { handler(data); } catch (err) { if (window.console) console.warn("live update failed", err); }
    if (settleAfter[type]) scheduleSettle();
  }

  // ---------- small DOM helpers ----------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    var a = el("a", "", text);
    a.href = href;
    return a;
  }

  function fromHTML(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function timeElement(iso) {
    var t = el("time");
    t.setAttribute("datetime", iso);
    var d = new Date(iso);
    t.textContent = isNaN(d) ? "" : d.toISOString().slice(11, 16) + " UTC";
    return t;
  }

  // localtime.js (the public pages) rewrites data-local times in the reader's zone.
  function localise(node) { if (window.livenewsLocalise) window.livenewsLocalise(node); }

  function flash(node) { if (!reducedMotion) node.classList.add("is-new"); }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // ---------- relative times ("5 min ago"), absolute time in the tooltip ----------
  // The same texts as the server's |ago filter (livenews/web/templatetags/pagetime.py).
  function relative(iso) {
    var seconds = (Date.now() - new Date(iso).getTime()) / 1000;
    if (isNaN(seconds)) return null;
    if (seconds < 60) return "just now";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
    return null;
  }

  function refreshTimes() {
    // Dates written as dates (data-local) are localtime.js's, not relative.
    document.querySelectorAll(".meta time[datetime]:not([data-local])").forEach(function (t) {
      var text = relative(t.getAttribute("datetime"));
      if (!t.hasAttribute("title")) t.setAttribute("title", t.textContent);
      if (text) t.textContent = text;
    });
  }

  // ---------- front page and story page ----------
  var pendingStories = [];
  var newButton = null;

  function atTop() { return window.scrollY < 120; }

  function showPending() {
    var list = document.querySelector("[data-live-stories]");
    if (!list) return;
    if (!pendingStories.length) {
      // (style too: the stylesheet's display: block would beat [hidden])
      if (newButton) { newButton.hidden = true; newButton.style.display = "none"; }
      document.title = baseTitle;
      return;
    }
    if (!newButton) {
      newButton = el("button", "new-stories");
      newButton.type = "button";
      newButton.addEventListener("click", function () {
        flushPending();
        window.scrollTo({ top: 0, behavior: reducedMotion ? "auto" : "smooth" });
      });
      list.parentNode.insertBefore(newButton, list);
    }
    newButton.hidden = false;
    newButton.style.display = "";
    newButton.textContent = plural(pendingStories.length, "new story").replace("storys", "stories");
    document.title = "(" + pendingStories.length + ") " + baseTitle;
  }

  function flushPending() {
    var list = document.querySelector("[data-live-stories]");
    if (settledStories) {
      replaceChildren(list, settledStories);
    } else {
      pendingStories.forEach(function (card) { list.insertBefore(card, list.firstChild); });
    }
    pendingStories = [];
    settledStories = null;
    showPending();
  }

  function replaceChildren(region, nodes) {
    var before = {};
    Array.prototype.forEach.call(region.children, function (n) { if (n.id) before[n.id] = true; });
    while (region.firstChild) region.removeChild(region.firstChild);
    nodes.forEach(function (n) {
      if (n.id && !before[n.id]) flash(n);
      region.appendChild(n);
    });
    refreshTimes();
  }

  // ---------- settling: the live regions converge on what a fresh load shows ----------
  // Events apply at once, built from the event's fields; the server's page
  // knows more (summaries, images, its ranking of stories). So a few seconds
  // after story or article events the page fetches itself once (the event
  // already dropped the cached copy) and takes its live regions from it, found
  // by id: [data-live-stories] and [data-live-articles]. At the top of the page
  // a region is replaced in place; scrolled down, the story cards on screen
  // refresh in place and new stories wait behind the "N new stories" button.
  // The delay (5 to 10 s) has random jitter so thousands of readers do not ask
  // at once, and a reader asks at most once per delay however many events come.
  var settleMs = window.LIVENEWS_SETTLE_MS || 5000;
  var settleTimer = null;
  var settledStories = null;  // the fetched story list, shown when the reader asks
  var staleSettles = 0;  // settles put off because the fetched page was older

  function liveRegions(doc) {
    return doc.querySelectorAll("[data-live-stories][id], [data-live-articles][id]");
  }

  function scheduleSettle() {
    if (settleTimer || !liveRegions(document).length) return;
    settleTimer = window.setTimeout(settle, settleMs * (1 + Math.random()));
  }

  function settleRegion(region, fresh) {
    var nodes = Array.prototype.map.call(fresh.children, function (n) { return document.importNode(n, true); });
    nodes.forEach(localise);
    if (!region.hasAttribute("data-live-stories") || atTop()) {
      if (region.hasAttribute("data-live-stories")) { pendingStories = []; settledStories = null; showPending(); }
      replaceChildren(region, nodes);
      return;
    }
    var waiting = [];
    nodes.forEach(function (n) {
      var shown = document.getElementById(n.id);
      if (shown && shown.parentNode === region) shown.replaceWith(n.cloneNode(true));
      else waiting.push(n);
    });
    settledStories = nodes;
    pendingStories = waiting;
    refreshTimes();
    showPending();
  }

  function settle() {
    settleTimer = null;
    fetch(window.location.pathname + window.location.search, {
      // no-cache: the browser's copy (max-age) predates the event; the server's
      // page cache has already dropped its own.
      credentials: "same-origin", cache: "no-cache", headers: { Accept: "text/html" }
    })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        // A page rendered before events this reader already applied (its fetch
        // crossed them) would take their stories away again: ask once more.
        var freshId = Number(fresh.body.getAttribute("data-last-event-id") || 0);
        if (freshId < Number(lastId) && staleSettles < 3) {
          staleSettles += 1;
          scheduleSettle();
          return;
        }
        staleSettles = 0;
        liveRegions(document).forEach(function (region) {
          var other = fresh.getElementById(region.id);
          if (other) settleRegion(region, other);
        });
        if (!fresh.getElementById("empty-state")) dropEmptyState();
      })
      .catch(function () { /* the next event tries again */ });
  }

  window.addEventListener("scroll", function () { if (atTop() && pendingStories.length) flushPending(); }, { passive: true });

  function dropEmptyState() {
    var empty = document.getElementById("empty-state");
    if (empty) empty.remove();
  }

  function countsText(d) {  // as the story card template writes them
    return plural(d.source_count, "source") + " · " + plural(d.article_count, "article");
  }

  on("article.added", function (d) {
    document.querySelectorAll("[data-live-articles]").forEach(function (list) {
      if (document.getElementById("article-" + d.article_id)) return;
      var li = el("li", "river-item");
      li.id = "article-" + d.article_id;
      li.appendChild(link(d.url, d.title));
      var meta = el("span", "meta", d.source_name + " · ");
      meta.appendChild(timeElement(d.published_at));
      li.appendChild(meta);
      flash(li);
      list.insertBefore(li, list.firstChild);
    });
    dropEmptyState();
    var noArticles = document.getElementById("latest-empty");
    if (noArticles) noArticles.remove();
  });

  function upsertStory(d) {
    var list = document.querySelector("[data-live-stories]");
    if (!list) return;
    var card = document.getElementById("story-" + d.story_id);
    var isNew = !card;
    if (isNew) {
      card = el("li", "story-card");
      card.id = "story-" + d.story_id;
      // The same heading level as the cards the server wrote in this list.
      var sibling = list.querySelector(".story-card h2, .story-card h3");
      var h = el(sibling ? sibling.tagName.toLowerCase() : "h2");
      h.appendChild(link(d.url, d.headline));
      card.appendChild(h);
      var meta = el("p", "meta");
      meta.appendChild(el("span", "counts"));
      meta.appendChild(document.createTextNode(" · updated "));
      meta.appendChild(timeElement(d.updated_at));
      card.appendChild(meta);
    }
    card.querySelector(".counts").textContent = countsText(d);
    var headline = card.querySelector("h2 a, h3 a");
    if (headline) headline.textContent = d.headline;
    var t = card.querySelector(".meta time");
    if (t) t.replaceWith(timeElement(d.updated_at));
    flash(card);
    dropEmptyState();
    if (atTop()) {
      list.insertBefore(card, list.firstChild);
    } else if (isNew && pendingStories.indexOf(card) < 0) {
      pendingStories.unshift(card);
      showPending();
    }
  }

  on("story.created", upsertStory);
  on("story.updated", upsertStory);
  var settleAfter = { "article.added": 1, "story.created": 1, "story.updated": 1 };

  // ---------- live blog ----------
  var entriesBox = document.getElementById("entries");
  var pinnedBox = document.getElementById("pinned");
  var keyBox = document.getElementById("key-events");
  var oldestFirst = false;

  function entryKey(node) {
    return [node.getAttribute("data-created") || "", parseInt(node.id.replace("entry-", ""), 10) || 0];
  }

  function isBefore(a, b) {  // does entry a come before entry b in newest-first order?
    var ka = entryKey(a), kb = entryKey(b);
    var da = new Date(ka[0]).getTime(), db = new Date(kb[0]).getTime();
    if (da !== db) return da > db;
    return ka[1] > kb[1];
  }

  function insertSorted(container, node) {
    var children = container.children;
    for (var i = 0; i < children.length; i++) {
      var first = oldestFirst ? isBefore(children[i], node) : isBefore(node, children[i]);
      if (first) { container.insertBefore(node, children[i]); return; }
    }
    container.appendChild(node);
  }

  function updateKeyEvents(d) {
    if (!keyBox) return;
    var item = document.getElementById("key-" + d.entry_id);
    if (!d.is_key_event) { if (item) item.remove(); return; }
    if (!item) {
      item = el("li");
      item.id = "key-" + d.entry_id;
      item.setAttribute("data-created", d.created_at);
      item.appendChild(link("#entry-" + d.entry_id, ""));
      var placed = false;
      for (var i = 0; i < keyBox.children.length && !placed; i++) {
        var other = keyBox.children[i];
        var otherEntry = document.getElementById(other.id.replace("key-", "entry-"));
        var mine = document.getElementById("entry-" + d.entry_id);
        if (otherEntry && mine && isBefore(mine, otherEntry)) { keyBox.insertBefore(item, other); placed = true; }
      }
      if (!placed) keyBox.appendChild(item);
    }
    item.querySelector("a").textContent = d.key_event_title;
  }

  function placeEntry(d) {
    if (!entriesBox || String(d.liveblog_id) !== document.getElementById("liveblog").getAttribute("data-liveblog")) return;
    var old = document.getElementById("entry-" + d.entry_id);
    var node = fromHTML(d.html);
    if (old) old.remove();
    localise(node);
    if (d.is_pinned) pinnedBox.appendChild(node); else insertSorted(entriesBox, node);
    if (!old) flash(node);
    updateKeyEvents(d);
    var none = document.getElementById("no-entries");
    if (none) none.remove();
  }

  on("liveentry.posted", placeEntry);
  on("liveentry.updated", placeEntry);
  on("liveentry.deleted", function (d) {
    var node = document.getElementById("entry-" + d.entry_id);
    if (node) node.remove();
    var key = document.getElementById("key-" + d.entry_id);
    if (key) key.remove();
  });
  on("liveblog.ended", function (d) {
    var label = document.getElementById("liveblog-status");
    var blog = document.getElementById("liveblog");
    if (label && blog && String(d.liveblog_id) === blog.getAttribute("data-liveblog")) label.textContent = "Ended";
  });

  var orderControl = document.getElementById("order-control");
  var orderToggle = document.getElementById("order-toggle");
  if (orderControl && orderToggle && entriesBox) {
    orderControl.hidden = false;
    orderToggle.addEventListener("click", function () {
      oldestFirst = !oldestFirst;
      orderToggle.setAttribute("aria-pressed", String(oldestFirst));
      orderToggle.textContent = oldestFirst ? "Show newest first" : "Show oldest first";
      var nodes = Array.prototype.slice.call(entriesBox.children).reverse();
      nodes.forEach(function (n) { entriesBox.appendChild(n); });
    });
  }

  // ---------- a correction on the open article page ----------
  // The corrected text comes with a reload (the edge already dropped the old
  // page); the note tells the reader now that what they are reading changed.
  var articleBox = document.querySelector("article.article");
  on("article.corrected", function (d) {
    if (!articleBox || channels.indexOf("article:" + d.article_id) < 0) return;
    var note = el("p", "correction-note");
    note.setAttribute("role", "status");
    note.appendChild(el("strong", "", "Corrected just now:"));
    note.appendChild(document.createTextNode(" " + d.note + " "));
    note.appendChild(link(d.url, "Reload to read the corrected text"));
    articleBox.insertBefore(note, articleBox.querySelector(".lead-image, .body"));
    flash(note);
  });

  // ---------- breaking alerts ----------
  var alertsBox = document.getElementById("alerts");
  var dismissed = {};
  try { dismissed = JSON.parse(window.localStorage.getItem("livenews-dismissed") || "{}"); } catch (e) { dismissed = {}; }

  function armAlert(node) {
    var id = node.id;
    if (dismissed[id]) { node.remove(); return; }
    var button = node.querySelector(".dismiss");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        dismissed[id] = 1;
        try { window.localStorage.setItem("livenews-dismissed", JSON.stringify(dismissed)); } catch (e) { /* private mode */ }
        node.remove();
      });
    }
    var expires = new Date(node.getAttribute("data-expires")).getTime() - Date.now();
    if (!isNaN(expires)) window.setTimeout(function () { node.remove(); }, Math.max(0, Math.min(expires, 2147483000)));
  }

  if (alertsBox) Array.prototype.forEach.call(alertsBox.querySelectorAll(".alert"), armAlert);

  on("alert.created", function (d) {
    if (!alertsBox || document.getElementById("alert-" + d.alert_id)) return;
    var node = el("div", "alert");
    node.id = "alert-" + d.alert_id;
    node.setAttribute("role", "alert");
    node.setAttribute("data-expires", d.expires_at);
    node.appendChild(el("strong", "alert-label", "Breaking"));
    node.appendChild(document.createTextNode(" "));
    node.appendChild(d.url ? link(d.url, d.headline) : el("span", "", d.headline));
    node.appendChild(document.createTextNode(" "));
    var button = el("button", "dismiss", "×");
    button.type = "button";
    button.setAttribute("aria-label", "Dismiss this alert");
    node.appendChild(button);
    alertsBox.innerHTML = "";
    alertsBox.appendChild(node);
    armAlert(node);
  });
  on("alert.retracted", function (d) {
    var node = document.getElementById("alert-" + d.alert_id);
    if (node) node.remove();
  });

  // ---------- transport: server-sent events, else polling ----------
  var query = "channels=" + encodeURIComponent(channels.join(","));

  function setLive(up) { if (status) status.hidden = !up; }

  function poll() {
    var url = "/live/since/" + encodeURIComponent(lastId) + ".json?" + query;
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (answer) {
        setLive(true);
        if (answer.reload) { window.location.reload(); return; }
        answer.events.forEach(function (e) { dispatch(e.event, e.data, e.id); });
        lastId = String(answer.last_id);
        window.setTimeout(poll, answer.poll_ms || 5000);
      })
      .catch(function () { setLive(false); window.setTimeout(poll, 10000); });
  }

  function stream() {
    var failures = 0;
    var source = new EventSource("/live/stream?" + query + "&last_event_id=" + encodeURIComponent(lastId));
    Object.keys(handlers).forEach(function (type) {
      source.addEventListener(type, function (e) {
        var data;
        try { data = JSON.parse(e.data); } catch (err) { return; }
        dispatch(type, data, e.lastEventId);
      });
    });
    source.addEventListener("reload", function () { window.location.reload(); });
    source.onopen = function () { failures = 0; setLive(true); };
    source.onerror = function () {
      setLive(false);
      failures += 1;
      if (failures >= 3) { source.close(); poll(); }  // a network that blocks streams
    };
  }

  refreshTimes();
  window.setInterval(refreshTimes, 30000);
  if (window.EventSource) stream(); else poll();
})();
