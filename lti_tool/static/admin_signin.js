// The operator's one-time sign-in code is in the URL fragment, which the browser never sends to a
// server (no access log or Referer holds it). Move it into the form and out of the address bar;
// the operator still presses "Sign in", since chat previews and mail scanners open links too.
(function () {
  var token = window.location.hash.replace(/^#/, "");
  var form = document.getElementById("admin-signin");
  history.replaceState(null, "", window.location.pathname);
  if (token) {
    form.elements.token.value = token;
  } else {
    form.hidden = true;
    document.getElementById("admin-signin-missing").hidden = false;
  }
})();
