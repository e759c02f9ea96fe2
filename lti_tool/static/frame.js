// Fit the LMS frame to the page, so there is one scroll (the LMS page's), not a scroll inside a scroll.
// Canvas (and Sakai, Brightspace, the sandbox LMS) resize a tool's iframe on an "lti.frameResize"
// postMessage; Canvas's own docs send it as an object. Moodle does not listen for it: it sizes its
// "Embed" frame to the window itself. The message is harmless where nobody listens.
(function () {
  "use strict";
  if (window.parent === window) { return; }  // opened in its own window: nothing to resize
  var sent = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent) { return; }
    sent = height;
    window.parent.postMessage({subject: "lti.frameResize", height: height}, "*");
  }
  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.documentElement);
  } else {
    window.addEventListener("resize", report);
  }
  window.addEventListener("load", report);
  report();
})();
