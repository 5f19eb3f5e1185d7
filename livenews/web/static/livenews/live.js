// Live updates for the public pages: follows /live/stream over server-sent
// events and inserts new articles and stories in place. The page works fully
// without this script; EventSource reconnects by itself and sends
// Last-Event-ID, so the server replays whatever was missed.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var channels = document.body.getAttribute("data-channels");
  if (!channels) return;

  var status = document.getElementById("live-status");
  var source = new EventSource("/live/stream?channels=" + encodeURIComponent(channels));

  function timeElement(iso) {
    var t = document.createElement("time");
    t.setAttribute("datetime", iso);
    var d = new Date(iso);
    t.textContent = isNaN(d) ? "" : d.toISOString().slice(11, 16) + " UTC";
    return t;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function countsText(d) {
    return plural(d.article_count, "article") + " from " + plural(d.source_count, "source");
  }

  function dropEmptyState() {
    var empty = document.getElementById("empty-state");
    if (empty) empty.remove();
  }

  function addArticle(d) {
    var lists = document.querySelectorAll("[data-live-articles]");
    lists.forEach(function (list) {
      if (document.getElementById("article-" + d.article_id)) return;
      var li = document.createElement("li");
      li.className = "river-item is-new";
      li.id = "article-" + d.article_id;
      li.appendChild(link(d.url, d.title));
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.appendChild(document.createTextNode(d.source_name + " · "));
      meta.appendChild(timeElement(d.published_at));
      li.appendChild(meta);
      list.insertBefore(li, list.firstChild);
    });
    dropEmptyState();
  }

  function upsertStory(d) {
    var list = document.querySelector("[data-live-stories]");
    if (!list) return;
    var card = document.getElementById("story-" + d.story_id);
    if (!card) {
      card = document.createElement("li");
      card.className = "story-card is-new";
      card.id = "story-" + d.story_id;
      var h = document.createElement("h3");
      h.appendChild(link(d.url, d.headline));
      card.appendChild(h);
      var meta = document.createElement("p");
      meta.className = "meta";
      var counts = document.createElement("span");
      counts.className = "counts";
      meta.appendChild(counts);
      meta.appendChild(document.createTextNode(" · updated "));
      meta.appendChild(timeElement(d.updated_at));
      card.appendChild(meta);
    }
    card.querySelector(".counts").textContent = countsText(d);
    var t = card.querySelector("time");
    if (t) t.replaceWith(timeElement(d.updated_at));
    list.insertBefore(card, list.firstChild);
    dropEmptyState();
  }

  function on(type, handler) {
    source.addEventListener(type, function (e) {
      try { handler(JSON.parse(e.data)); } catch (err) { /* a bad event must not stop the stream */ }
    });
  }

  on("article.added", addArticle);
  on("story.created", upsertStory);
  on("story.updated", upsertStory);
  source.addEventListener("reload", function () { window.location.reload(); });
  source.onopen = function () { if (status) status.hidden = false; };
  source.onerror = function () { if (status) status.hidden = true; };
})();
