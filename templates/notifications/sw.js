{% load static %}/* Service worker of the service desk: Web Push notifications (shown even with every tab closed)
 * and the click that opens the ticket. Served by notifications/device_views.py with scope "/". */
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data.text() }; }
  var options = {
    body: data.body || "",
    icon: "{% static 'img/app-icon-192.png' %}",
    badge: "{% static 'img/app-icon-192.png' %}",
    data: { url: data.url || "/" }
  };
  // One notification per ticket: a newer one about the same ticket replaces the older, and still alerts.
  if (data.tag) { options.tag = data.tag; options.renotify = true; }
  event.waitUntil(self.registration.showNotification(data.title || "{{ site_name|escapejs }}", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
