// The student's file and photo uploads: resumable (tus, through the vendored tus-js-client),
// with progress a screen reader hears, and kept on the phone while there is no connection.
//
// A file chosen while offline (or whose upload failed because the connection went) waits in
// IndexedDB with the student and the placed task it is for; the list under the picker says what
// is waiting, and it is sent when the browser says the connection is back (or when the page
// opens online). A school's shared computer or tablet serves several students: only the
// student who chose a file sees it waiting or sends it, into their own work; another's waits
// for them (it is their work, not to be lost), and a file kept before files named their
// student is never sent, as nothing says whose it is.
// An interrupted upload resumes from the server's offset: tus-js-client keeps the upload's URL
// under a fingerprint (the student, the placed task, the file's name, type, size and date).
// Every request carries the session in the X-Worklink-Session header (see lti_tool/uploads/tus.py
// for why a header and not a cookie); the upload URLs carry nothing.
(function () {
  "use strict";
  var root = document.getElementById("upload-widget");
  if (!root || !window.tus) { return; }
  // The submission the files join; before the student's first change there is none yet, and
  // the placed task names it (the server starts the submission with the first file).
  var submission = root.dataset.submissionId || "";
  var placed = root.dataset.placedId;
  var owner = root.dataset.owner || "";
  var endpoint = root.dataset.endpoint;
  var maxBytes = parseInt(root.dataset.maxBytes, 10);
  var list = document.getElementById("upload-list");
  var status = document.getElementById("upload-status");
  var waitingBox = document.getElementById("upload-waiting");
  var waitingList = document.getElementById("upload-waiting-list");
  var text = root.dataset;
  var DB_NAME = "worklink-uploads";
  var STORE = "waiting";
  var active = 0;
  var sentAny = false;

  function say(message) { status.textContent = message; }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }
  function token() {
    var meta = document.querySelector('meta[name="worklink-session"]');
    return meta ? meta.content : "";
  }

  // IndexedDB: files waiting for a connection.
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function keep(file) {
    return withStore("readwrite", function (store) {
      return store.add({ owner: owner, placed: placed, name: file.name, type: file.type,
                         lastModified: file.lastModified || 0, blob: file, added: Date.now() });
    });
  }
  function waiting() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (entry) {
        return owner !== "" && entry.owner === owner && entry.placed === placed;
      });
    });
  }
  function forget(id) {
    return withStore("readwrite", function (store) { return store.delete(id); });
  }
  function showWaiting() {
    return waiting().then(function (entries) {
      waitingList.textContent = "";
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.textContent = entry.name;
        waitingList.appendChild(item);
      });
      waitingBox.hidden = entries.length === 0;
      return entries;
    });
  }

  function row(name) {
    var item = document.createElement("li");
    var id = "upload-progress-" + (list.children.length + 1);
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.id = id;
    bar.max = 100;
    bar.value = 0;
    var state = document.createElement("span");
    state.className = "upload-state";
    item.appendChild(label);
    item.appendChild(bar);
    item.appendChild(state);
    list.appendChild(item);
    return { bar: bar, state: state, item: item };
  }

  // The parts of the page that show the work (the status and checklist, the file list, what is
  // still missing before handing in), drawn again from the page's own address once every file
  // is in. Not the whole page: a student writing their reflection while a video goes up keeps
  // the text, the cursor and the place on the page (reloading lost them, see static/drafts.js).
  var SHOWN = ["your-work", "student-files", "still-missing"];

  function refreshWhenDone() {
    if (active > 0 || !sentAny) { return; }
    sentAny = false;
    // With the session in the header, as static/session.js fetches a page in a cookieless frame.
    fetch(root.dataset.pageUrl, { headers: { "X-Worklink-Session": token() }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        SHOWN.forEach(function (id) { redraw(id, fresh); });
        var started = fresh.getElementById("upload-widget");
        if (started && started.dataset.submissionId) { submission = started.dataset.submissionId; }
      })
      .catch(function () { /* the files are in; the list catches up the next time the page opens */ });
  }

  function redraw(id, fresh) {
    var old = document.getElementById(id);
    var now = fresh.getElementById(id);
    if (old && now) {
      old.replaceWith(document.importNode(now, true));
    } else if (old) {
      old.remove();
      var button = document.querySelector("[aria-describedby='" + id + "']");
      if (button) { button.removeAttribute("aria-describedby"); }
    }
  }

  function send(file, waitingId) {
    var view = row(file.name);
    if (file.size > maxBytes) {
      view.state.textContent = fill(text.msgTooLarge, { name: file.name });
      say(view.state.textContent);
      view.item.className = "upload-refused";
      return;
    }
    active += 1;
    var upload = new window.tus.Upload(file, {
      endpoint: endpoint,
      chunkSize: 5 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      removeFingerprintOnSuccess: true,
      headers: { "X-Worklink-Session": token() },
      metadata: { filename: file.name, filetype: file.type || "", submission: submission,
                  placed: placed },
      fingerprint: function (f) {
        return Promise.resolve(["worklink", owner, placed, f.name, f.type, f.size,
                                f.lastModified || 0].join("/"));
      },
      onProgress: function (sent, total) {
        var percent = total ? Math.floor(sent * 100 / total) : 0;
        view.bar.value = percent;
        view.bar.setAttribute("aria-valuetext", percent + "%");
        if (percent % 25 === 0) { say(fill(text.msgProgress, { name: file.name, percent: percent })); }
      },
      onSuccess: function () {
        active -= 1;
        sentAny = true;
        view.bar.value = 100;
        view.state.textContent = text.msgSent;
        say(fill(text.msgSentFile, { name: file.name }));
        (waitingId ? forget(waitingId) : Promise.resolve()).then(showWaiting).then(refreshWhenDone);
      },
      onError: function (error) {
        active -= 1;
        var response = error && error.originalResponse;
        var code = response ? response.getStatus() : 0;
        if (code >= 400 && code < 500) {
          // Refused by Worklink: the answer says why in the student's language.
          view.state.textContent = response.getBody() || text.msgRefused;
          view.item.className = "upload-refused";
          say(view.state.textContent);
          if (waitingId) { forget(waitingId).then(showWaiting); }
          refreshWhenDone();
          return;
        }
        // The connection went: keep the file on the phone and resume when it is back.
        view.state.textContent = text.msgKept;
        say(fill(text.msgKeptFile, { name: file.name }));
        (waitingId ? Promise.resolve() : keep(file)).then(showWaiting);
      }
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
      upload.start();
    });
  }

  function choose(files) {
    Array.prototype.forEach.call(files, function (file) {
      if (!navigator.onLine) {
        keep(file).then(showWaiting).then(function () {
          say(fill(text.msgKeptFile, { name: file.name }));
        });
      } else {
        send(file, null);
      }
    });
  }

  function sendWaiting() {
    if (!navigator.onLine) { return; }
    waiting().then(function (entries) {
      entries.forEach(function (entry) {
        var file = new File([entry.blob], entry.name,
                            { type: entry.type, lastModified: entry.lastModified });
        send(file, entry.id);
      });
    });
  }

  root.querySelectorAll("input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      choose(input.files);
      input.value = "";
    });
  });
  // Assigned, not added: a page drawn in place (session.js) runs this script again.
  window.ononline = function () { say(text.msgOnline); sendWaiting(); };
  window.onoffline = function () { say(text.msgOffline); };
  showWaiting().then(sendWaiting);
})();
