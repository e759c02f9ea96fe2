// Carries the launch-bound session where the browser keeps no Worklink cookie (an LMS iframe in
// Safari, or in Chrome with third-party cookies blocked), without ever putting it in a URL.
// The page names its session token in <meta name="worklink-session">. Where the cookie works
// (data-carrier="cookie") links and forms navigate as usual. Otherwise every same-origin link
// click and form submit (GET searches included) becomes a fetch() that sends the token in the
// X-Worklink-Session header, and the answer is drawn in place of this page; fetch() keeps the
// header across the redirect that follows a saved form. Links that open a new window post the
// token to /session/window, which gives that first-party window a cookie of its own.
// See lti_tool/security.py for the whole design.
(function () {
  "use strict";
  var HEADER = "X-Worklink-Session";

  function session() {
    var meta = document.querySelector('meta[name="worklink-session"]');
    return meta ? { token: meta.content, viaCookie: meta.dataset.carrier === "cookie" } : null;
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function openWindow(url, token) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/session/window";
    form.target = "_blank";
    // The window is Worklink's own origin; keeping its opener lets a task saved there update
    // the picker that opened it (task_list_sync.js).
    form.setAttribute("rel", "opener");
    hidden(form, "wl_session", token);
    hidden(form, "next", url.pathname + url.search + url.hash);
    document.body.appendChild(form);
    form.submit();
    form.remove();
  }

  function go(url, init, push) {
    var current = session();
    if (!current) { window.location.href = url; return; }
    init.headers = {};
    init.headers[HEADER] = current.token;
    init.credentials = "same-origin";
    document.documentElement.setAttribute("aria-busy", "true");
    fetch(url, init).then(function (response) {
      return response.text().then(function (html) {
        if (push) { history.pushState({ worklink: true }, "", response.url); }
        var page = keepStyleNonce(html);  // read from this page before it is cleared
        // The answer is a whole page: it replaces this one, and its own copy of this script
        // runs again (listeners on the old document go with it).
        document.open();
        document.write(page);
        document.close();
      });
    }, function () {
      document.documentElement.removeAttribute("aria-busy");
    });
  }

  // The answer drawn in place of this page stays under this document's Content-Security-Policy
  // (document.open() keeps it): the style nonce the frame's first page was sent with. The
  // answer's own nonce would be refused, so the answer names this one (security.style_nonce).
  var NONCE_META = /<meta name="trix-csp-nonce" nonce="[^"]*">/;

  function keepStyleNonce(html) {
    var meta = document.querySelector('meta[name="trix-csp-nonce"]');
    if (!meta || !meta.nonce) { return html; }
    return html.replace(NONCE_META, '<meta name="trix-csp-nonce" nonce="' + meta.nonce + '">');
  }

  function sameOrigin(url) { return url.origin === window.location.origin; }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return; }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    var current = session();
    if (!link || !current || link.hasAttribute("download")) { return; }
    var url = new URL(link.href, window.location.href);
    if (!sameOrigin(url)) { return; }
    if (link.target === "_blank") {
      // A new top-level window shares no cookie with this frame, whatever the mode.
      event.preventDefault();
      openWindow(url, current.token);
      return;
    }
    if (current.viaCookie) { return; }
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) {
      return;  // a jump within this page
    }
    event.preventDefault();
    go(url.href, { method: "GET" }, true);
  });

  document.addEventListener("submit", function (event) {
    var current = session();
    var form = event.target;
    // Attributes, not properties: a field named "action" or "target" shadows form.action.
    if (event.defaultPrevented || !current || current.viaCookie || form.getAttribute("target") === "_blank") {
      return;
    }
    var submitter = event.submitter || null;
    var action = new URL((submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") ||
                         window.location.href, window.location.href);
    if (!sameOrigin(action)) { return; }
    event.preventDefault();
    var data = new FormData(form, submitter);
    var method = (submitter && submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
    if (method.toLowerCase() === "get") {
      action.search = new URLSearchParams(data).toString();
      go(action.href, { method: "GET" }, true);
    } else {
      go(action.href, { method: "POST", body: data }, true);
    }
  });

  // Assigned, not added: drawing a page in place erases the window's listeners (document.open),
  // and each page's copy of this script sets it again.
  window.onpopstate = function (event) {
    var current = session();
    if (current && !current.viaCookie && event.state && event.state.worklink) {
      go(window.location.href, { method: "GET" }, false);
    }
  };
})();
