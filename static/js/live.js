/* A live ticket card: when somebody else changes the ticket, the card updates itself.
 *
 * The server says "changed" over Server-Sent Events (servicedesk/views/live.py). The card is then
 * fetched again and every region marked data-live-region is swapped for its new version, except a
 * region in which the user is editing something (a focused field, or one whose value differs from
 * what the page gave it), so typed text is never lost. The comment composer is not a region at all.
 */
(function () {
  "use strict";

  var source = null;

  function card() { return document.querySelector("[data-live-card]"); }

  function editing(region) {
    if (region.contains(document.activeElement) && document.activeElement.matches("input, select, textarea")) {
      return true;
    }
    return Array.prototype.some.call(region.querySelectorAll("input, select, textarea"), function (field) {
      if (field.type === "hidden" || field.type === "submit") { return false; }
      if (field.type === "file") { return field.files && field.files.length > 0; }
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return field.value !== field.defaultValue;
    });
  }

  function swapRegions(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    fresh.querySelectorAll("[data-live-region][id]").forEach(function (next) {
      var current = document.getElementById(next.id);
      if (!current || editing(current)) { return; }
      var adopted = document.importNode(next, true);
      current.replaceWith(adopted);
      if (window.htmx) { window.htmx.process(adopted); }
    });
    var version = fresh.querySelector("[data-live-card]");
    if (version && card()) { card().dataset.liveVersion = version.dataset.liveVersion; }
  }

  function say(actor) {
    var note = document.getElementById("live-note");
    if (!note) { return; }
    note.textContent = actor ? note.dataset.template.replace("{who}", actor) : note.dataset.anonymous;
    note.hidden = false;
  }

  function refresh(event) {
    var data = JSON.parse(event.data);
    var el = card();
    if (!el || data.version <= parseInt(el.dataset.liveVersion || "0", 10)) { return; }
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        swapRegions(html);
        say(data.actor);
        document.dispatchEvent(new CustomEvent("sd:ticket-updated", { detail: data }));
      });
  }

  function connect() {
    var el = card();
    if (source) { source.close(); source = null; }
    if (!el || !window.EventSource) { return; }
    source = new EventSource(el.dataset.liveCard + "?after=" + (el.dataset.liveVersion || "0"));
    source.addEventListener("changed", refresh);
    source.addEventListener("open", function () { document.documentElement.dataset.liveState = "open"; });
  }

  // htmx-boosted navigation runs this file again for every card opened: one stream per card.
  if (window.sdLive) { window.sdLive.connect(); return; }
  window.sdLive = { connect: connect };
  connect();
  document.addEventListener("htmx:afterSettle", function () { if (!card() && source) { source.close(); source = null; } });
})();
