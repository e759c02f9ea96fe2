// Save the draft as the supervisor goes: every change posts the form to /employer/save.
// A refused save says why where "Draft saved." shows, in the words (and the language) of the
// page the server answered with. Refused because the page can take nothing more (409: the
// teacher decided the final score while it was open), it stops saving and turns off its buttons.
(function () {
  var form = document.getElementById("rating");
  var status = form.querySelector("[data-saved]");
  var timer = null;
  var closed = false;
  function refused(response) {
    return response.text().then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var alert = page.querySelector("[role=alert]");
      if (!alert) { return; }
      status.textContent = alert.textContent.trim();
      status.classList.add("problem");
      if (response.status === 409) {
        closed = true;
        clearTimeout(timer);
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }
    });
  }
  function save() {
    var data = new FormData(form);
    fetch("/employer/save", {method: "POST", body: data, credentials: "same-origin",
                             headers: {"X-Worklink-Autosave": "1"}})
      .then(function (response) {
        if (response.status === 204) {
          status.textContent = status.dataset.saved;
          status.classList.remove("problem");
        } else if (!closed) {
          return refused(response);
        }
      });
  }
  form.addEventListener("change", function () {
    if (closed) { return; }
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
})();
