/* Web Push and the installable app: registers the service worker on every page (so the interface
 * installs as an app), and drives the profile's "this browser" switch: subscribe with the
 * installation's VAPID key and hand the subscription to the server, or unsubscribe it. */
(function () {
  "use strict";

  var script = document.currentScript;
  var swUrl = script && script.getAttribute("data-sw-url");
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.detail || String(response.status)); }
        return data;
      });
    });
  }

  var registration = supported && swUrl
    ? navigator.serviceWorker.register(swUrl, { scope: "/" })
    : Promise.reject(new Error("unsupported"));
  registration.catch(function () { /* no service worker: the page works as before */ });

  function bind() {
    var box = document.querySelector("[data-webpush]");
    if (!box || box.dataset.bound) { return; }
    box.dataset.bound = "1";
    var status = box.querySelector("[data-webpush-status]");
    var on = box.querySelector("[data-webpush-on]");
    var off = box.querySelector("[data-webpush-off]");
    function show(text, subscribed) {
      status.textContent = text;
      on.hidden = subscribed; off.hidden = !subscribed;
      box.dataset.state = subscribed ? "on" : "off";
    }
    if (!supported) { show(box.dataset.textUnsupported, false); on.hidden = true; return; }
    registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      show(sub ? box.dataset.textOn : box.dataset.textOff, !!sub);
    }).catch(function () { show(box.dataset.textOff, false); });

    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { throw new Error(box.dataset.textDenied); }
        return registration;
      }).then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) });
      }).then(function (sub) {
        return post(box.dataset.subscribeUrl, sub.toJSON());
      }).then(function (data) { show(data.detail, true); })
        .catch(function (error) { show(error.message || box.dataset.textFailed, false); });
    });

    off.addEventListener("click", function () {
      registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
        if (!sub) { return { detail: box.dataset.textOff }; }
        var endpoint = sub.endpoint;
        return sub.unsubscribe().then(function () { return post(box.dataset.unsubscribeUrl, { endpoint: endpoint }); });
      }).then(function (data) { show(data.detail, false); })
        .catch(function (error) { show(error.message || box.dataset.textFailed, true); });
    });
  }

  // This script sits in the header, before the profile's card is parsed.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", bind); } else { bind(); }
  document.addEventListener("htmx:afterSettle", bind);
})();
