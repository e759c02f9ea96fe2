// LTI Client Side postMessage Storage (Canvas's "Platform Storage"): keeps the OIDC state in the
// platform's own frame when the browser refuses our cookie inside the course iframe.
(function () {
  "use strict";
  var el = document.getElementById("storage");
  if (!el) { return; }
  var action = el.dataset.action, origin = el.dataset.origin, key = el.dataset.key;
  var targetName = el.dataset.target;
  var target = window.parent;
  // Canvas names a sibling frame ("post_message_forwarding"); "_parent" means the parent itself.
  if (targetName && targetName !== "_parent") {
    try { target = window.parent.frames[targetName] || window.parent; } catch (e) { target = window.parent; }
  }
  var messageId = String(Date.now()) + Math.random().toString(16).slice(2);
  var done = false;

  function finish(ok, value) {
    if (done) { return; }
    done = true;
    if (action === "put") {
      window.location.replace(el.dataset.next);   // continue the login either way; a cookie may do
    } else if (ok && value) {
      var form = document.getElementById("complete");
      form.elements.state.value = value;
      form.submit();
    } else {
      document.getElementById("fallback").hidden = false;
      el.hidden = true;
    }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.message_id !== messageId) { return; }
    var subject = event.data.subject;
    if (subject === "lti." + (action === "put" ? "put_data" : "get_data") + ".response") {
      finish(!event.data.error, event.data.value);
    }
  });
  var message = { subject: "lti." + (action === "put" ? "put_data" : "get_data"), message_id: messageId, key: key };
  if (action === "put") { message.value = el.dataset.value; }
  // The platform's storage frame loads beside this one and may not listen yet: a message sent
  // before its listener exists is lost. Both messages are safe to repeat (same message_id; the
  // first answer wins), so send again until one is answered or time is up.
  var started = Date.now();
  (function send() {
    if (done) { return; }
    if (Date.now() - started >= 3000) { finish(false, null); return; }
    target.postMessage(message, origin);
    setTimeout(send, 250);
  })();
})();
