// What a student types on the task page outlives the page being drawn again: adding a link,
// logging hours, removing a file, switching the language, a refused form or a lost connection
// never empties another box, and leaving with text not saved asks first.
//
// Why the browser keeps the drafts (sessionStorage), not the other forms carrying them: a
// reflection sent along with "Add link" would have to be saved by it (changing what that button
// means, and refusing the link when the reflection is wrong) or sent back by the server after
// its redirect; a reload, a back button or a dropped connection sends no form at all. Kept in
// the browser, one mechanism covers every way the page comes back, needs no request (a weak
// connection), and the server stores nothing the student did not choose to save.
//
// A shared school computer: sessionStorage, not localStorage, so a draft lives in this tab only
// and goes when the tab or the browser is closed. Drafts are keyed by the signed-in person and
// the placed task; a task page opened for someone else removes every draft that is not theirs
// (the next student in a tab left open never sees the last one's words), and the signed-out
// page runs this script with no owner, which removes them all.
//
// Each form (data-draft="<name>") keeps its values as they are typed, when they differ from what
// the page came with. Submitting a form marks its draft sent; the draft is dropped only when
// the server says that very form was saved (?saved=<name> after its redirect). A refused form,
// a lost connection, or the page drawn again for any other reason brings the values back.
// ?saved= leaves the address once read, so reloading it cannot confirm a later send that never
// arrived.
(function () {
  "use strict";
  var PREFIX = "worklink-draft/";
  var store;
  try {
    store = window.sessionStorage;
    store.getItem(PREFIX);
  } catch (e) {
    return;  // storage refused (a sandboxed frame, a privacy setting): the page works as before
  }

  var root = document.querySelector("[data-draft-owner]");
  var owner = root ? root.getAttribute("data-draft-owner") : "";
  Object.keys(store).forEach(function (key) {
    if (key.indexOf(PREFIX) === 0 && (!owner || key.indexOf(PREFIX + owner + "/") !== 0)) {
      store.removeItem(key);
    }
  });
  if (!root) { return; }  // the signed-out page: nothing more to do

  var KEY = PREFIX + owner + "/" + root.getAttribute("data-draft-task");
  var text = root.dataset;
  var session = document.querySelector('meta[name="worklink-session"]');
  var cookieless = session !== null && session.getAttribute("data-carrier") !== "cookie";
  var forms = Array.prototype.map.call(document.querySelectorAll("form[data-draft]"),
    function (form) { return { form: form, name: form.getAttribute("data-draft") }; });
  var submitting = false;

  function drafts() {
    try { return JSON.parse(store.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function keep(all) {
    try {
      if (Object.keys(all).length) { store.setItem(KEY, JSON.stringify(all)); } else { store.removeItem(KEY); }
    } catch (e) { /* storage full: the page still has the text */ }
  }
  function editorOf(input) {
    return input.id ? document.querySelector('trix-editor[input="' + input.id + '"]') : null;
  }
  function fields(form) {
    // What the student types: not the form token, nor a hidden field, except Trix's own input.
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit" || el.type === "button") {
        return false;
      }
      return el.type !== "hidden" || editorOf(el) !== null;
    });
  }
  function values(form) {
    var out = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (!(el.name in out)) { out[el.name] = ""; }
        if (el.checked) { out[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        out[el.name] = el.checked ? el.value : "";
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function apply(form, saved) {
    fields(form).forEach(function (el) {
      if (!(el.name in saved)) { return; }
      var value = saved[el.name];
      if (el.type === "radio") { el.checked = el.value === value; return; }
      if (el.type === "checkbox") { el.checked = value !== ""; return; }
      var editor = editorOf(el);
      if (editor && editor.editor) { editor.editor.loadHTML(value); } else { el.value = value; }
    });
  }

  // One form's draft, from what it holds now; ``sent`` when it is on its way to the server.
  function record(entry, sent) {
    var all = drafts();
    var now = values(entry.form);
    if (!sent && !entry.unconfirmed && same(now, entry.pristine)) {
      delete all[entry.name];
    } else {
      all[entry.name] = { values: now, sent: !!sent };
    }
    keep(all);
  }
  function entryOf(node) {
    var form = node && node.closest ? node.closest("form[data-draft]") : null;
    for (var i = 0; i < forms.length; i += 1) { if (forms[i].form === form) { return forms[i]; } }
    return null;
  }
  function unsaved(except) {
    var all = drafts();
    return forms.some(function (entry) { return entry !== except && entry.name in all; });
  }

  function start() {
    var address = new URL(window.location.href);
    var saved = address.searchParams.get("saved");
    var all = drafts();
    var restored = false;
    forms.forEach(function (entry) {
      entry.pristine = values(entry.form);
      var draft = all[entry.name];
      if (!draft) { return; }
      if (draft.sent && saved === entry.name) {
        delete all[entry.name];  // the server saved this form: the draft is what it holds now
        return;
      }
      // Sent and never confirmed (refused, or the answer was lost): keep it even when the box
      // shows the same words, because the server did not keep them.
      entry.unconfirmed = !!draft.sent;
      apply(entry.form, draft.values || {});
      restored = restored || !same(values(entry.form), entry.pristine);
    });
    keep(all);
    forms.forEach(function (entry) { if (all[entry.name]) { record(entry, false); } });
    if (saved !== null && window.history.replaceState) {
      address.searchParams.delete("saved");
      window.history.replaceState(window.history.state, "", address.pathname + address.search + address.hash);
    }
    if (restored) {
      var notice = document.getElementById("drafts-restored");
      if (notice) { notice.hidden = false; notice.textContent = text.msgRestored; }
    }

    function changed(event) {
      var entry = entryOf(event.target);
      if (entry) { record(entry, false); }
    }
    document.addEventListener("input", changed);
    document.addEventListener("change", changed);
    document.addEventListener("trix-change", changed);

    // Capture: before static/session.js turns the submit or the click into an in-place fetch.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var entry = entryOf(form);
      var again = event.submitter || form.querySelector("[type=submit]");
      if (form.classList.contains("signout")) {
        // Signing out removes every draft. The browser asks on the way out (beforeunload),
        // except from a page drawn in place, where no beforeunload comes.
        if (cookieless && unsaved(null) && !answered) {
          event.preventDefault();
          ask(text.msgLeave, text.msgLeaveAnyway, again);
        }
        answered = false;
        return;
      }
      if (entry && entry.form.hasAttribute("data-draft-hand-in") && unsaved(entry) && !answered) {
        event.preventDefault();  // what the other boxes hold would not be part of the work
        ask(text.msgHandIn, text.msgHandInAnyway, again);
        return;
      }
      answered = false;
      if (entry) { record(entry, true); }
      submitting = true;  // every other form of this page comes back to it, drafts and all
    }, true);

    document.addEventListener("click", function (event) {
      if (!cookieless || event.defaultPrevented || event.button !== 0) { return; }
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || link.hasAttribute("download") || link.target === "_blank") { return; }
      var url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin ||
          (url.pathname === window.location.pathname && url.search === window.location.search)) {
        return;
      }
      if (answered || !unsaved(null)) { answered = false; return; }
      event.preventDefault();
      ask(text.msgLeave, text.msgLeaveAnyway, link);
    }, true);
  }

  // The page's own question, not window.confirm(): an LMS may frame Worklink without
  // allow-modals, where confirm() answers "no" at once and the student could never go on.
  var answered = false;
  function ask(message, goLabel, again) {
    var box = document.getElementById("drafts-question");
    if (!box) { answered = true; again.click(); return; }
    var go = document.getElementById("drafts-go");
    var stay = document.getElementById("drafts-stay");
    document.getElementById("drafts-question-text").textContent = message;
    go.textContent = goLabel;
    box.hidden = false;
    go.focus();
    go.onclick = function () {
      box.hidden = true;
      answered = true;
      submitting = true;
      again.click();
    };
    stay.onclick = function () {
      box.hidden = true;
      again.focus();
    };
    box.onkeydown = function (event) { if (event.key === "Escape") { stay.onclick(); } };
  }

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !unsaved(null)) { return; }
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own sentence
  });
  window.addEventListener("pageshow", function () { submitting = false; });

  // After Trix has loaded each editor (its trix-initialize comes in an animation frame asked
  // for before this script ran), so what the page came with is read as Trix holds it.
  window.requestAnimationFrame(start);
})();
