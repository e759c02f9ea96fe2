// Save the draft as the supervisor goes: every change posts the form to /employer/save.
(function () {
  var form = document.getElementById("rating");
  var status = form.querySelector("[data-saved]");
  var timer = null;
  function save() {
    var data = new FormData(form);
    fetch("/employer/save", {method: "POST", body: data, credentials: "same-origin",
                             headers: {"X-Worklink-Autosave": "1"}})
      .then(function (response) {
        if (response.status === 204) { status.textContent = status.dataset.saved; }
      });
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
})();
