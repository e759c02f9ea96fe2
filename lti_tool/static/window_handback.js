// A picker's answer goes back through the frame that asked for it. Moodle reads a deep-linking
// answer only inside that frame (its return page calls parent.processContentItemReturnData), so
// when the launch went on in a new window (the frame could not keep Worklink's cookie), the
// window hands the signed answer to the frame that opened it, and the frame posts it. Either
// half runs on the page that has its form; messages stay on Worklink's own origin.
(function () {
  "use strict";
  var SUBJECT = "worklink.deep_link_response";
  var origin = window.location.origin;

  // The course frame's half: take the answer once, say so, post it to the platform from here.
  var handback = document.getElementById("deep-link-handback");
  if (handback) {
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.origin !== origin || !data || data.subject !== SUBJECT ||
          typeof data.jwt !== "string" || handback.dataset.sent) { return; }
      handback.dataset.sent = "1";
      event.source.postMessage({ subject: SUBJECT + ".taken" }, origin);
      handback.elements.JWT.value = data.jwt;
      handback.submit();
    });
  }

  // The window's half: offer the answer to the frame that opened it; post it from here when no
  // frame takes it (no opener, or the course page moved on), as a launch in a frame does.
  var form = document.getElementById("deep-link-return");
  if (!form) { return; }
  var opener = window.opener;
  var done = false;
  function postHere() {
    if (done) { return; }
    done = true;
    form.submit();
  }
  if (!opener || opener.closed) { postHere(); return; }
  window.addEventListener("message", function (event) {
    if (done || event.origin !== origin || event.source !== opener || !event.data ||
        event.data.subject !== SUBJECT + ".taken") { return; }
    done = true;
    form.hidden = true;
    document.getElementById("deep-link-handed-back").hidden = false;
    window.close();  // browsers may keep a window the page did not open: the message says why
  });
  opener.postMessage({ subject: SUBJECT, jwt: form.elements.JWT.value }, origin);
  setTimeout(postHere, 2000);
})();
