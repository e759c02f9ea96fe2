// The platform side of LTI Client Side postMessage Storage: keeps values per tool origin, in
// this frame's memory for as long as the course page is open (as Canvas's forwarding frame does).
(function () {
  "use strict";
  var values = {};
  window.addEventListener("message", function (event) {
    var data = event.data || {};
    var subject = data.subject;
    if (subject !== "lti.put_data" && subject !== "lti.get_data" && subject !== "lti.capabilities") {
      return;
    }
    var reply = { subject: subject + ".response", message_id: data.message_id };
    if (subject === "lti.capabilities") {
      reply.supported_messages = [{ subject: "lti.put_data" }, { subject: "lti.get_data" }];
    } else if (typeof data.key !== "string" || !data.key) {
      reply.error = { code: "bad_request", message: "a key is required" };
    } else {
      var slot = event.origin + " " + data.key;   // a tool only ever sees its own origin's values
      reply.key = data.key;
      if (subject === "lti.put_data") {
        values[slot] = data.value;
        reply.value = data.value;
      } else if (Object.prototype.hasOwnProperty.call(values, slot)) {
        reply.value = values[slot];
      } else {
        reply.error = { code: "not_found", message: "no value under that key" };
      }
    }
    event.source.postMessage(reply, event.origin);
  });
})();
