// Keeps the picker's task list current when a teacher creates a task in another window.
//
// The picker ("Add content" in the LMS) links to "Create a new task" in a new window. When that
// window saves a task, its page carries <meta name="worklink-task-saved" content="<course id>">
// and this script tells the picker three ways, because each can be missing: a BroadcastChannel
// (same-origin windows; browsers that partition storage keep an LMS iframe apart from a
// first-party window), a postMessage to window.opener (the picker's frame, when the browser kept
// the opener), and, as a last resort, the picker refreshes when its tab becomes visible again.
// The picker's list sits in an element with data-task-list-refresh; a refresh fetches the same
// search again (the session travels in the X-Worklink-Session header, as session.js sends it),
// swaps the list in, keeps the teacher's ticks, and says so in a polite live region.
(function () {
  "use strict";
  var CHANNEL = "worklink-tasks";
  var TYPE = "worklink:task-saved";

  var saved = document.querySelector('meta[name="worklink-task-saved"]');
  if (saved) {
    var message = { type: TYPE, course: saved.content };
    if (window.BroadcastChannel) { new BroadcastChannel(CHANNEL).postMessage(message); }
    try {
      if (window.opener && window.opener !== window) {
        window.opener.postMessage(message, window.location.origin);
      }
    } catch (ignored) { /* an opener on another origin: the other two ways remain */ }
  }

  var list = document.querySelector("[data-task-list-refresh]");
  if (!list) { return; }
  var course = list.getAttribute("data-course");
  var status = document.getElementById("task-list-status");
  var busy = false;

  function taskIds(root) {
    return Array.prototype.map.call(root.querySelectorAll("input[name=task]"),
                                    function (box) { return box.value; }).join(",");
  }

  function refresh() {
    if (busy) { return; }
    busy = true;
    var search = document.querySelector("form.picker-search");
    var url = new URL(search ? search.getAttribute("action") : window.location.href, window.location.href);
    if (search) { url.search = new URLSearchParams(new FormData(search)).toString(); }
    var headers = {};
    var token = document.querySelector('meta[name="worklink-session"]');
    if (token) { headers["X-Worklink-Session"] = token.content; }
    fetch(url.href, { headers: headers, credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      busy = false;
      if (!html) { return; }
      var fresh = new DOMParser().parseFromString(html, "text/html")
        .querySelector("[data-task-list-refresh]");
      // The same tasks as shown (the usual answer when the tab is merely shown again): the list
      // stays as it is, so a box or button the teacher is about to press is not swapped away.
      if (!fresh || taskIds(fresh) === taskIds(list)) { return; }
      var ticked = Array.prototype.map.call(list.querySelectorAll("input[name=task]:checked"),
                                            function (box) { return box.value; });
      var before = list.querySelectorAll("input[name=task]").length;
      list.innerHTML = fresh.innerHTML;
      ticked.forEach(function (value) {
        var box = list.querySelector('input[name=task][value="' + value + '"]');
        if (box) { box.checked = true; }
      });
      if (status && list.querySelectorAll("input[name=task]").length !== before) {
        status.textContent = status.getAttribute("data-updated");
      }
    }, function () { busy = false; });
  }

  function heard(data) {
    if (data && data.type === TYPE && String(data.course) === course) { refresh(); }
  }

  if (window.BroadcastChannel) {
    new BroadcastChannel(CHANNEL).onmessage = function (event) { heard(event.data); };
  }
  window.addEventListener("message", function (event) {
    if (event.origin === window.location.origin) { heard(event.data); }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { refresh(); }
  });
})();
