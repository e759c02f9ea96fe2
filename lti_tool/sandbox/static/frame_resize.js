// The sandbox LMS honours "lti.frameResize" as Canvas does: the tool's frame takes the height the
// tool asks for (a string or an object message), so the course page has a single scroll.
(function () {
  "use strict";
  var frame = document.querySelector("iframe.tool-frame");
  if (!frame) { return; }
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow) { return; }
    var data = event.data;
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    if (!data || data.subject !== "lti.frameResize") { return; }
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) { return; }
    // The height is the page's; the frame's own border comes on top of it (border-box sizing).
    var border = frame.offsetHeight - frame.clientHeight;
    frame.style.height = (Math.min(Math.ceil(height), 20000) + border) + "px";
    frame.setAttribute("data-resized", "true");
  });
})();
