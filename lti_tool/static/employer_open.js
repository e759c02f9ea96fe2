// The employer link's token is in the URL fragment, which the browser never sends to a server
// (so no access log or Referer holds it). Take it out of the address bar and post it.
(function () {
  var token = window.location.hash.replace(/^#/, "");
  var form = document.getElementById("open-link");
  history.replaceState(null, "", window.location.pathname);
  form.elements.token.value = token;
  form.submit();
})();
