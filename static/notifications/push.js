/* In-app notifications: one Server-Sent Events stream per page, toasts, the bell and its list.
 *
 * The stream sends rows after Last-Event-ID, so a reconnect (network loss, server restart, the
 * server ending a stream) delivers everything missed. htmx-boosted navigation swaps the body and
 * runs this file again: the second run only re-binds the new bell, the stream stays open.
 * Every notification is also announced as a window event "sd:notification" (detail = the row).
 */
(function () {
  "use strict";

  if (window.sdPush) { window.sdPush.bind(); return; }

  var state = { source: null, lastId: 0, streamUrl: "" };
  // At most this many push toasts at once, so a burst never pushes the newest off the screen.
  var MAX_TOASTS = 3;

  function bell() { return document.getElementById("notification-bell"); }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function urlFor(template, id) { return template.replace(/\/0\//, "/" + id + "/"); }

  function setUnread(count) {
    if (typeof count !== "number" || count < 0) { return; }
    document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    });
    document.dispatchEvent(new CustomEvent("sd:unread", { detail: { unread: count } }));
  }

  function post(url) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { setUnread(data.unread); } });
  }

  // The one date format of the interface (d.m.Y H:i, as the server renders it), in the user's
  // time zone from the profile rather than the browser's.
  function formatWhen(iso, zone) {
    var parts = {};
    var options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    try {
      if (zone) { options.timeZone = zone; }
      new Intl.DateTimeFormat("en-GB", options).formatToParts(new Date(iso)).forEach(function (part) { parts[part.type] = part.value; });
    } catch (error) {
      delete options.timeZone;
      new Intl.DateTimeFormat("en-GB", options).formatToParts(new Date(iso)).forEach(function (part) { parts[part.type] = part.value; });
    }
    return parts.day + "." + parts.month + "." + parts.year + " " + parts.hour + ":" + parts.minute;
  }

  function listItem(item, el) {
    var li = document.createElement("li");
    li.className = "nbell__item" + (item.read ? "" : " is-unread");
    li.dataset.id = item.id;
    var link = document.createElement("a");
    link.href = urlFor(el.dataset.openUrl, item.id);
    link.setAttribute("hx-boost", "false");
    var title = document.createElement("span");
    title.className = "nbell__title";
    title.textContent = item.title;
    var body = document.createElement("span");
    body.className = "nbell__body";
    body.textContent = item.body;
    var when = document.createElement("time");
    when.dateTime = item.created_at;
    when.textContent = formatWhen(item.created_at, el.dataset.timeZone);
    link.append(title, body, when);
    li.append(link);
    if (!item.read) {
      var mark = document.createElement("button");
      mark.type = "button";
      mark.className = "nbell__link";
      mark.textContent = el.dataset.markReadText;
      mark.addEventListener("click", function () {
        li.classList.remove("is-unread");
        mark.remove();
        post(urlFor(el.dataset.readUrl, item.id));
      });
      li.append(mark);
    }
    return li;
  }

  function renderList(items) {
    var el = bell();
    if (!el) { return; }
    var list = el.querySelector("[data-list]");
    list.replaceChildren();
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "nbell__empty";
      empty.textContent = el.dataset.emptyText;
      list.append(empty);
    }
    items.forEach(function (item) { list.append(listItem(item, el)); });
  }

  function refreshList() {
    var el = bell();
    if (!el) { return; }
    fetch(el.dataset.feedUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { setUnread(data.unread); renderList(data.items); } });
  }

  function toastHost() {
    var host = document.querySelector(".toasts");
    if (!host) {
      host = document.createElement("div");
      host.className = "toasts";
      host.setAttribute("role", "status");
      host.setAttribute("aria-live", "polite");
      document.body.append(host);
    }
    return host;
  }

  function toast(item) {
    var el = bell();
    var node = document.createElement(el ? "a" : "div");
    node.className = "toast toast--info ntoast";
    node.dataset.notificationId = item.id;
    if (el) { node.href = urlFor(el.dataset.openUrl, item.id); node.setAttribute("hx-boost", "false"); }
    var title = document.createElement("strong");
    title.textContent = item.title;
    var body = document.createElement("span");
    body.textContent = item.body.length > 160 ? item.body.slice(0, 157) + "…" : item.body;
    node.append(title, body);
    var host = toastHost();
    // Newest on top; beyond MAX_TOASTS the oldest fold into the bell (its count already has them).
    host.prepend(node);
    var shown = host.querySelectorAll(".ntoast");
    for (var i = MAX_TOASTS; i < shown.length; i++) { shown[i].remove(); }
    if (shown.length > MAX_TOASTS) { pulseBell(); }
    setTimeout(function () { node.classList.add("is-leaving"); }, 6000);
    setTimeout(function () { node.remove(); }, 6600);
  }

  function pulseBell() {
    var el = bell();
    if (!el) { return; }
    el.classList.remove("is-pulsing");
    void el.offsetWidth;  // restart the animation
    el.classList.add("is-pulsing");
  }

  function onNotification(event) {
    var item = JSON.parse(event.data);
    if (item.id <= state.lastId) { return; }
    state.lastId = item.id;
    setUnread(item.unread);
    var el = bell();
    var panel = el && el.querySelector(".nbell__panel");
    if (panel && !panel.hidden) { refreshList(); }
    toast(item);
    window.dispatchEvent(new CustomEvent("sd:notification", { detail: item }));
  }

  function connect() {
    var el = bell();
    if (!el || !window.EventSource) { return; }
    state.lastId = Math.max(state.lastId, parseInt(el.dataset.lastId || "0", 10));
    state.streamUrl = el.dataset.streamUrl;
    // The browser reconnects by itself and then sends Last-Event-ID, which the server prefers.
    state.source = new EventSource(state.streamUrl + "?after=" + state.lastId);
    state.source.addEventListener("notification", onNotification);
    state.source.addEventListener("open", function () { document.documentElement.dataset.pushState = "open"; });
    state.source.addEventListener("error", function () { document.documentElement.dataset.pushState = "reconnecting"; });
  }

  function bind() {
    var el = bell();
    if (!el || el.dataset.bound) { return; }
    el.dataset.bound = "1";
    var button = el.querySelector(".nbell__button");
    var panel = el.querySelector(".nbell__panel");
    button.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) { refreshList(); }
    });
    el.querySelector("[data-read-all]").addEventListener("click", function () {
      post(el.dataset.readAllUrl).then(refreshList);
    });
    document.addEventListener("click", function (event) {
      if (!el.contains(event.target) && !panel.hidden) {
        panel.hidden = true;
        button.setAttribute("aria-expanded", "false");
      }
    });
    if (!state.source) { connect(); }
  }

  window.sdPush = { bind: bind, state: state, markRead: function (id) { var el = bell(); return el && post(urlFor(el.dataset.readUrl, id)); } };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
